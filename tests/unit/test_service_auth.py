"""The NaikKelas service's two kinds of pages share one hub authentication object."""

from jupyterhub.services.auth import HubAuth

from naikkelas.hub.service import LessonHandler
from naikkelas.hub.trainer import TrainerHandler


def test_learner_api_first_then_trainer_pages(monkeypatch):
    # A learner's kernel often calls the service before any trainer opens a page; the trainer's
    # page must still work (it failed with MultipleInstanceError, an HTTP 500).
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "x" * 32)
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/services/naikkelas/")
    HubAuth.clear_instance()
    try:
        learner_auth = LessonHandler.hub_auth_class.instance()
        trainer_auth = TrainerHandler.hub_auth_class.instance()
        assert learner_auth is trainer_auth
    finally:
        HubAuth.clear_instance()
