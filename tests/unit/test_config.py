"""The hub configuration functions, against a bare traitlets Config."""

import json

import pytest
from traitlets import TraitError
from traitlets.config import Config

from naikkelas.hub import config
from naikkelas.hub.lockdown import ALLOWED_KERNEL_MESSAGES, learner_server_config
from naikkelas.hub.settings import Settings


def settings(tmp_path, **kw):
    return Settings(data_dir=str(tmp_path / "data"), **kw)


def test_apply_config_uses_naikkelas_parts(tmp_path):
    c = config.apply_config(Config(), settings(tmp_path, port=8123))
    assert c.JupyterHub.authenticator_class == "naikkelas.hub.auth.NaikKelasAuthenticator"
    assert c.JupyterHub.port == 8123
    assert c.JupyterHub.hub_port == 8125
    assert c.ConfigurableHTTPProxy.api_url == "http://127.0.0.1:8124"
    assert c.JupyterHub.db_url.startswith("sqlite:///")
    assert c.JupyterHub.db_url.endswith("data/jupyterhub.sqlite")
    assert c.JupyterHub.cleanup_servers is True
    names = [s["name"] for s in c.JupyterHub.services]
    assert "idle-culler" in names and "naikkelas" in names
    assert c.JupyterHub.implicit_spawn_seconds > 0, "a stopped server restarts without a button"
    assert "access:services!service=naikkelas" in c.Spawner.server_token_scopes
    assert {r["name"] for r in c.JupyterHub.load_roles} >= {"user", "idle-culler"}


def test_root_gets_own_system_users_and_ordinary_user_shares_one(tmp_path):
    as_root = config.apply_config(Config(), settings(tmp_path, as_root=True))
    assert as_root.JupyterHub.spawner_class.endswith("SystemUserSpawner")
    shared = config.apply_config(Config(), settings(tmp_path, as_root=False))
    assert shared.JupyterHub.spawner_class.endswith("SharedUserSpawner")
    assert shared.SharedUserSpawner.home_root.endswith("data/homes")


def test_public_dir_is_outside_a_private_data_dir_as_root(tmp_path):
    root = settings(tmp_path, as_root=True)
    assert str(root.public_path).startswith("/var/lib/naikkelas/")
    user = settings(tmp_path, as_root=False)
    assert user.public_path == (tmp_path / "data" / "public")
    explicit = settings(tmp_path, as_root=True, public_dir=str(tmp_path / "pub"))
    assert explicit.public_path == tmp_path / "pub"


def test_db_url_defaults_to_sqlite_in_data_dir_and_can_be_set(tmp_path):
    assert settings(tmp_path).naikkelas_db_url.endswith("data/naikkelas.sqlite")
    assert settings(tmp_path, db_url="postgresql://x/y").naikkelas_db_url == "postgresql://x/y"


def test_learner_server_config_closes_everything_but_voila():
    cfg = learner_server_config(kernel_cull_idle_seconds=321)
    ext = cfg["ServerApp"]["jpserver_extensions"]
    for name in ("jupyterlab", "notebook", "jupyter_server_terminals", "jupyter_lsp"):
        assert ext[name] is False
    assert ext["voila.server_extension"] is True
    assert ext["naikkelas.hub.learner"] is True
    assert cfg["ServerApp"]["terminals_enabled"] is False
    assert cfg["ServerApp"]["authorizer_class"].endswith("LearnerAuthorizer")
    allowed = cfg["MappingKernelManager"]["allowed_message_types"]
    assert "execute_request" not in allowed
    assert set(allowed) == set(ALLOWED_KERNEL_MESSAGES)
    assert cfg["MappingKernelManager"]["cull_idle_timeout"] == 321
    assert cfg["VoilaConfiguration"]["template"] == "naikkelas-light", "the light page by default"
    assert cfg["KernelManager"]["autorestart"] is False, "a restarted kernel leaves an inert page"
    # A photo uploaded in a lesson is one websocket message (tornado's default limit: 10 MiB).
    assert cfg["ServerApp"]["tornado_settings"]["websocket_max_message_size"] >= 25 * 1024 * 1024
    # Phones on metered data: gzip on every text response, deflate on the kernel websocket.
    assert cfg["ServerApp"]["tornado_settings"]["compress_response"] is True
    assert cfg["ServerApp"]["websocket_compression_options"] == {}
    json.dumps(cfg)  # written as JSON for the learner server


def test_the_voila_front_end_stays_selectable(tmp_path, monkeypatch):
    cfg = learner_server_config(lesson_frontend="voila")
    assert cfg["VoilaConfiguration"]["template"] == "naikkelas"
    with pytest.raises(ValueError, match="front-end"):
        learner_server_config(lesson_frontend="jupyterlab")
    assert settings(tmp_path).lesson_frontend == "light"
    monkeypatch.setenv("NAIKKELAS_LESSON_FRONTEND", "voila")
    assert settings(tmp_path).lesson_frontend == "voila"
    with pytest.raises(TraitError):
        settings(tmp_path, lesson_frontend="cepat")


def test_functions_do_not_touch_the_disk(tmp_path):
    config.apply_config(Config(), settings(tmp_path))
    assert not (tmp_path / "data").exists()


def test_the_hubs_logger_drops_debug_lines_before_building_them(tmp_path):
    # traitlets' default: logger at DEBUG, handler at INFO (every debug call builds a record).
    import logging

    from jupyterhub.app import JupyterHub

    hub = JupyterHub(config=config.apply_config(Config(), settings(tmp_path)))
    assert not hub.log.isEnabledFor(logging.DEBUG)
    assert hub.log.isEnabledFor(logging.INFO)
    assert [h.level for h in hub.log.handlers] == [logging.INFO]
