"""A lesson page's assets on a metered phone: compressed, and cached for a year at versioned URLs
(issue 11). Through the real proxy, as a logged-in learner."""

import gzip
import json
import re

import pytest

from tests.support import LearnerClient

YEAR = 365 * 24 * 3600
VERSIONED = re.compile(r"/naikkelas/v/([0-9a-f]{12})/")


@pytest.fixture(scope="module")
def lesson(hub):
    """A fresh learner's client, the rendered demo lesson's HTML and its page config."""
    from naikkelas.hub.accounts import Role, upsert_account
    from naikkelas.hub.db import engine_for

    upsert_account(engine_for(hub.settings.naikkelas_db_url), "ujiaset", Role.LEARNER, "135790",
                   cohort="demo", display_name="Peserta Aset")  # fmt: skip
    client = LearnerClient(hub.url, "ujiaset")
    client.login("135790")
    client.wait_for_server()
    link = next(x for x in client.lesson_links() if x.endswith("01-cara-menjawab.ipynb"))
    page = client.get(f"{hub.url}{link}", headers={"Accept-Encoding": "gzip"}, timeout=60)
    page.raise_for_status()
    config = json.loads(
        re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page.text, re.S).group(1)
    )
    return client, page, config


def get(client, url):
    return client.get(url, headers={"Accept-Encoding": "gzip"}, allow_redirects=False)


def assert_long_cached_and_gzipped(response, what):
    assert response.status_code == 200, f"{what}: HTTP {response.status_code}"
    cache = response.headers.get("Cache-Control", "")
    assert f"max-age={YEAR}" in cache and "immutable" in cache, f"{what}: Cache-Control {cache!r}"
    assert response.headers.get("Content-Encoding") == "gzip", f"{what} is not compressed"
    # The security headers of the learner's server, as on its pages.
    assert response.headers.get("X-Content-Type-Options") == "nosniff", f"{what}: no nosniff"
    assert "frame-ancestors" in response.headers.get("Content-Security-Policy", ""), what


def test_lesson_page_points_at_versioned_asset_urls(lesson):
    client, _, config = lesson
    for key in ("fullStaticUrl", "fullLabextensionsUrl", "naikkelasStaticUrl"):
        assert config[key].startswith(f"/user/{client.username}/naikkelas/v/"), config[key]
        assert VERSIONED.search(config[key]), config[key]
    names = {ext["name"] for ext in config["federated_extensions"]}
    assert names == {"@voila-dashboards/widgets-manager8", "@jupyter-widgets/jupyterlab-manager"}


def test_voila_widget_and_our_assets_are_long_cached_and_compressed(hub, lesson):
    client, page, config = lesson
    assert_long_cached_and_gzipped(get(client, f"{hub.url}{config['fullStaticUrl']}/voila.js"),
                                   "voila.js")  # fmt: skip
    for ext in config["federated_extensions"]:
        url = f"{hub.url}{config['fullLabextensionsUrl']}/{ext['name']}/{ext['load']}"
        assert_long_cached_and_gzipped(get(client, url), ext["name"])
    ours = re.findall(r'(?:href|src)="([^"]*/naikkelas/v/[^"]+\.(?:css|js))"', page.text)
    assert {u.rsplit("/", 1)[1] for u in ours} >= {
        "lesson.css",
        "keepalive.js",
        "listen.js",
        "lesson-app.js",
        "lesson-app.css",
    }
    for url in ours:
        assert_long_cached_and_gzipped(get(client, f"{hub.url}{url}"), url)


def test_the_light_lesson_page_loads_none_of_voilas_front_end(lesson):
    """The default lesson page: our bundle and styles, no JupyterLab (docs/performance.md)."""
    _, page, config = lesson
    assert "Memuat pelajaran" in page.text, "no loading text in Bahasa Indonesia"
    for stock in ("voila.js", "voila-style.js", "index.css", "labextensions/", "requirejs"):
        assert stock not in page.text, f"the light page loads {stock}"
    # Each widget output is a placeholder our bundle fills from the live kernel.
    assert re.search(r'class="nk-widget-view" data-model-id="[0-9a-f]{32}"', page.text)
    assert config["kernelId"], "the page carries its kernel for the bundle and keepalive.js"


def test_pages_are_compressed_and_never_cached(hub, lesson):
    client, page, _ = lesson
    assert page.headers.get("Content-Encoding") == "gzip", "the lesson page is not compressed"
    assert "no-store" in page.headers["Cache-Control"]
    home = get(client, f"{client.server_url}/naikkelas")
    assert home.headers.get("Content-Encoding") == "gzip", "the course home is not compressed"
    assert "no-store" in home.headers["Cache-Control"]


def test_other_versions_and_other_extensions_are_not_served(hub, lesson):
    client, _, config = lesson
    version = VERSIONED.search(config["fullStaticUrl"]).group(1)
    stale = config["fullStaticUrl"].replace(version, "0" * 12)
    assert get(client, f"{hub.url}{stale}/voila.js").status_code == 404
    prefix = f"{hub.url}{config['fullLabextensionsUrl']}"
    refused = (
        "@jupyter-notebook/application-extension/package.json",
        "../../../../etc/passwd",
        "@jupyter-widgets/jupyterlab-manager/package.json",
        "@jupyter-widgets/jupyterlab-manager/static/../../../../../../../etc/passwd",
        "@jupyter-widgets/jupyterlab-manager/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    )
    for path in refused:
        r = get(client, f"{prefix}/{path}")
        assert r.status_code in (403, 404) and "root:" not in r.text, path


def test_the_lesson_bundle_is_sent_as_built_gzip_or_plain_to_a_browser_without_gzip(hub, lesson):
    """lesson-app.js goes out as the gzip copy built beside it (not compressed per request), and
    a client that does not accept gzip gets the same script uncompressed."""
    from naikkelas.hub.learner.assets import LESSON_APP

    client, page, _ = lesson
    link = re.search(r'(?:href|src)="([^"]*/naikkelas/v/[^"]+/lesson-app\.js)"', page.text)
    url = hub.url + link.group(1)
    gzipped = client.get(url, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=30)
    wire = gzipped.raw.read(decode_content=False)
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert gzipped.headers["Content-Type"].startswith(("application/javascript", "text/javascript"))
    assert "Accept-Encoding" in gzipped.headers["Vary"]
    assert wire == LESSON_APP.with_name("lesson-app.js.gz").read_bytes(), "compressed again"
    assert gzip.decompress(wire) == LESSON_APP.read_bytes()
    plain = client.get(url, headers={"Accept-Encoding": "identity"}, timeout=30)
    assert "Content-Encoding" not in plain.headers
    assert plain.content == LESSON_APP.read_bytes()
