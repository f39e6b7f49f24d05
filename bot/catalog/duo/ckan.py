"""Downloads DUO's files through the CKAN API of onderwijsdata.duo.nl.

A file's download URL changes when DUO republishes it, so it is looked up every time: the
dataset's `package_show` lists its resources, and the one whose name (or file name) is the
file we want gives the URL. The file is streamed to disk with a progress bar and checked
against the length the server announced; a cut-off download raises CatalogImportError.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import requests
from tqdm import tqdm

from bot.catalog.duo.files import DuoFile
from bot.errors import CatalogImportError

CHUNK = 1 << 16


def resource_url(http: requests.Session, base: str, duo_file: DuoFile, timeout: float) -> str:
    """The current download URL of one file, from the dataset's resource list."""
    api = f"{base.rstrip('/')}/api/3/action/package_show"
    try:
        response = http.get(api, params={"id": duo_file.dataset}, timeout=timeout)
        response.raise_for_status()
        resources = response.json()["result"]["resources"]
    except (requests.RequestException, ValueError, KeyError, TypeError):
        raise CatalogImportError(
            f"DUO's lijst van bestanden ({duo_file.dataset}) is niet te lezen. "
            "Controleer de internetverbinding of gebruik --from MAP."
        ) from None
    wanted = duo_file.name.lower()
    stem = wanted.removesuffix(".csv")
    for resource in resources:
        name = str(resource.get("name") or "").strip().lower()
        file_name = Path(urlsplit(str(resource.get("url") or "")).path).name.lower()
        if resource.get("url") and (name in (wanted, stem) or file_name == wanted):
            return str(resource["url"])
    raise CatalogImportError(
        f"{duo_file.name} staat niet (meer) in DUO's dataset {duo_file.dataset}. "
        "Er is niets veranderd."
    )


def download(
    http: requests.Session, url: str, target: Path, timeout: float, show_progress: bool
) -> Path:
    """Stream one file to `target`; a partial file never takes the place of a whole one."""
    part = target.with_name(target.name + ".part")
    written, expected = 0, 0
    try:
        with http.get(url, stream=True, timeout=timeout) as response:
            response.raise_for_status()
            expected = int(response.headers.get("Content-Length") or 0)
            with (
                part.open("wb") as out,
                tqdm(
                    total=expected or None,
                    unit="B",
                    unit_scale=True,
                    desc=target.name,
                    file=sys.stderr,
                    disable=None if show_progress else True,
                ) as bar,
            ):
                for chunk in response.iter_content(CHUNK):
                    out.write(chunk)
                    written += len(chunk)
                    bar.update(len(chunk))
    except requests.RequestException as exc:
        part.unlink(missing_ok=True)
        raise CatalogImportError(
            f"{target.name}: downloaden mislukt ({type(exc).__name__}); na {written} bytes "
            "afgebroken. Er is niets veranderd."
        ) from None
    if expected and written != expected:
        part.unlink(missing_ok=True)
        raise CatalogImportError(
            f"{target.name}: download afgebroken ({written} van {expected} bytes). "
            "Er is niets veranderd."
        )
    part.replace(target)
    return target
