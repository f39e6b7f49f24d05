"""The `rasa` command with one load-time fix: `python -m bot.rasa_cli run ...` (any rasa args).

Rasa 3.6 builds each TensorFlow model at load time by running `fit` on one example in graph
mode, which traces the whole training step: on this 2-core machine DIET and TED took most of a
50 s model load. Building the weights with one eager forward pass creates the same variables
without that trace; prediction still runs as a traced tf.function, and every loaded weight is
the same (tests/integration/test_rasa_cli.py compares them). Measured: model load 51 s -> 14 s. Also: body limits per route and an apology when the action server
fails (`patch_faults`, bot/channels/limits.py and faults.py); action server replies are
validated without re-checking the fixed schema each time (`patch_action_validation`), and
`rasa test` from the project root skips JSON that cannot be training data
(`patch_test_data_scan`, also applied for plain `rasa`).
"""

from __future__ import annotations

import sys

from bot.rasa_compat import patch_test_data_scan


def patch_model_loading() -> None:
    """Build the TensorFlow models' weights eagerly at load time; the same weights, much faster.

    Rasa 3.6.21's `RasaModel.load` compiles the model and runs `fit` on one example in graph
    mode only to create the variables, then loads the trained weights over them. Here the
    variables come from one eager forward pass of the training loss (`batch_loss`), which
    creates every model variable, and no optimizer is built: prediction does not use it. The
    restore checks that every variable of the model got its trained value
    (`assert_existing_objects_matched`); a model that cannot be restored stops the load with
    a RuntimeError, which Rasa does not swallow (it catches ValueError and goes on without
    the model). Fine-tuning keeps Rasa's own load.

    Earlier this patch ran `fit` eagerly: the optimizer's slot variables then came in another
    order than in the checkpoint, TED's restore failed and Rasa went on without TED (it logs
    that only at DEBUG). tests/integration/test_rasa_cli.py compares every weight of DIET and
    TED with Rasa's own load.
    """
    from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
    from rasa.utils.tensorflow.models import RasaModel

    if getattr(RasaModel.load, "_overstap_patched", False):
        return
    rasa_load = RasaModel.load.__func__

    def load(
        cls,
        model_file_name,
        model_data_example,
        predict_data_example=None,
        finetune_mode=False,
        *args,
        **kwargs,
    ):
        if finetune_mode:  # training goes on: Rasa's load builds the optimizer too
            return rasa_load(
                cls, model_file_name, model_data_example, predict_data_example,
                finetune_mode, *args, **kwargs,
            )  # fmt: skip
        model = cls(*args, **kwargs)
        batch, _ = RasaBatchDataGenerator(model_data_example, batch_size=1)[0]
        model._training = True  # the training loss touches every layer, as `fit` does
        model.batch_loss(batch)
        model._training = None
        try:
            status = model.load_weights(model_file_name)
            status.assert_existing_objects_matched().expect_partial()  # the optimizer's: unused
        except (ValueError, AssertionError) as error:
            # Rasa's policies catch ValueError and go on without the model: say it and stop.
            raise RuntimeError(f"{cls.__name__}: trained weights do not fit: {error}") from error
        if predict_data_example:
            model.run_inference(predict_data_example)
        return model

    load._overstap_patched = True  # type: ignore[attr-defined]
    RasaModel.load = classmethod(load)


def patch_action_validation() -> None:
    """Check action server replies against a schema that is checked once, not on every reply.

    Rasa 3.6 calls `jsonschema.validate(result, schema)`, which first validates the (fixed)
    schema itself: a tenth of a reply's time in the profile of bench/rest_reply.py. The reply
    is still validated against the same schema, with the same error.
    """
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    if getattr(RemoteAction._validate_action_result, "_overstap_patched", False):
        return
    schema = RemoteAction.action_response_format_spec()
    validator = validator_for(schema)(schema)
    original = RemoteAction._validate_action_result

    def validate_action_result(self, result):
        try:
            validator.validate(result)
            return True
        except ValidationError:
            return original(self, result)  # Rasa's own message and exception

    validate_action_result._overstap_patched = True  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = validate_action_result


def patch_body_limits(settings) -> None:
    """Per-route body limits on the Rasa server's Sanic app (bot/channels/limits.py)."""
    from rasa.core import run

    from bot.channels.limits import install_body_limits

    original = getattr(run.configure_app, "_overstap_original", run.configure_app)

    def configure_app(*args, **kwargs):
        app = original(*args, **kwargs)
        install_body_limits(app, settings)
        return app

    configure_app._overstap_original = original  # type: ignore[attr-defined]
    run.configure_app = configure_app


def patch_faults() -> None:
    """Body limits per route, and a Dutch apology when the action server fails or is slow."""
    from bot.channels.faults import patch_remote_actions
    from bot.settings import Settings

    settings = Settings.from_env()
    patch_body_limits(settings)
    patch_remote_actions(settings.action_timeout_s)


def main() -> None:
    from bot.perf import apply_all

    apply_all()  # before TensorFlow is imported: it reads its thread settings once
    patch_model_loading()
    patch_action_validation()
    patch_faults()
    patch_test_data_scan()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
