import json
import uuid


def test_probe(stack):
    me = f"probe-{uuid.uuid4().hex[:6]}"
    for msg in ["/greet", "/start_profile", "/signal_reading_trouble", "/signal_reading_trouble"]:
        print("==>", msg)
        for r in stack.say(me, msg):
            print(json.dumps(r, ensure_ascii=False)[:300])
    me = f"probe-{uuid.uuid4().hex[:6]}"
    print(json.dumps(stack.say(me, "heb je iets met mensen"), ensure_ascii=False)[:300])
    import requests
    t = requests.get(f"{stack.rasa_url}/conversations/{me}/tracker", params={"token": stack.rasa_token}, timeout=10).json()
    print(t["latest_message"]["intent_ranking"][:5])
