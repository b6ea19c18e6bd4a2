"""The lesson page's widget models have the defaults the lesson kernel leaves out of their state
(`naikkelas.widgets.lean_state`): every value not sent is the one the page's own model class
gives. Checked against the page's real bundle (`lesson-app.js`) in Chromium, for every model of
ipywidgets' base and controls, so an upgrade of ipywidgets that changes a default fails here."""

from __future__ import annotations

from naikkelas.widgets.lean_state import stock_defaults
from tests.support import fill_login

# Each model class's defaults, from the page's own widget manager (`loadClass`, as it does for a
# model the kernel names).
PAGE_DEFAULTS = """async (models) => {
  const manager = window.naikkelasLesson.manager;
  const found = {};
  for (const name of models) {
    const cls = await manager.loadClass(name, "@jupyter-widgets/controls", "*")
      .catch(() => manager.loadClass(name, "@jupyter-widgets/base", "*"));
    found[name] = cls.prototype.defaults();
  }
  return found;
}"""


def test_every_value_left_out_of_widget_state_is_the_page_models_default(hub, phone, new_learner):
    username, pin = new_learner()
    fill_login(phone, hub.url, username, pin).tap()
    link = phone.get_by_role("link", name="Cara menjawab soal")
    link.wait_for(timeout=90_000)
    phone.goto(hub.url + link.get_attribute("href"))
    phone.locator("body.nk-ready").wait_for(state="attached", timeout=90_000)

    defaults = stock_defaults()
    lessons_use = {"LayoutModel", "ButtonModel", "HTMLModel", "VBoxModel", "DropdownModel"}
    assert lessons_use <= set(defaults)
    page = phone.evaluate(PAGE_DEFAULTS, sorted(defaults))
    differ = [
        f"{name}.{key}: kernel leaves out {value!r}, the page's default is {page[name].get(key)!r}"
        for name, values in defaults.items()
        for key, value in values.items()
        if page[name].get(key, "<missing>") != value
    ]
    assert not differ, "add these to lean_state.KEEP:\n" + "\n".join(differ)
