"""The officials' dashboard, served by the NaikKelas service.

Officials (`pejabat`) and operators (`admin`) log in to the hub as usual and reach these pages
through JupyterHub's OAuth with a browser cookie, like the trainers' pages. Learners and trainers
get a 403 page; nobody sees a username or a name here, only aggregates from
`naikkelas.grading.reports` (groups under 5 learners suppressed).

    GET pejabat/                      the dashboard; filters in the query string (a GET form)
    GET pejabat/unduh/<csv|xlsx|pdf>  the same view as a file (same query string)

Figures come from the process's facts cache (`facts_cache`): a page never waits for a reload;
it says when its figures were taken ("Data per ...") and whether newer ones are being loaded.
Before the first load has finished (it starts with the service), both answer 503 with a page
that says the data is being prepared and reloads itself.

Query string: kota, kecamatan, kelurahan, sector, gender, age_group, cohort, course (repeatable;
empty = all), since, until (YYYY-MM-DD), by (the dimension groups are shown by).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
from jupyterhub.services.auth import HubOAuthenticated
from tornado import web

from . import charts
from .accounts import Role, get_account
from .dashboard import (
    CHART_GROUPS,
    DIMENSIONS,
    LABELS,
    FactsCache,
    FilterError,
    Query,
    Snapshot,
    View,
    build_view,
    course_titles,
    data_time,
    load_in_subprocess,
    options_of,
    parse_query,
    prepare_facts,
    value_label,
)
from .db import engine_for
from .headers import API_CSP, STRICT_PAGE_CSP, SecureStaticFileHandler, apply, settings_headers
from .hub_user import HubUserWithoutBlocking
from .settings import Settings

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")), autoescape=True
)
_caches: dict[str, FactsCache] = {}


# How often the "Data sedang disiapkan" page reloads itself.
PREPARING_REFRESH_SECONDS = 10
# How long a request waits for the first load before it gets that page instead.
FIRST_LOAD_WAIT_SECONDS = 5.0


def facts_cache(settings: Settings) -> FactsCache:
    """One facts cache per released-lessons folder in this process; its background reload
    also prepares what every page needs (`dashboard.prepare_facts`)."""
    key = str(settings.released_path)
    if key not in _caches:
        _caches[key] = FactsCache(
            settings.released_path,
            min_interval=settings.dashboard_reload_seconds,
            load=load_in_subprocess,
            prepare=prepare_facts,
        )
    return _caches[key]


def warm_up(settings: Settings) -> FactsCache:
    """Start loading the facts when the service starts, so officials rarely meet the
    "Data sedang disiapkan" page."""
    cache = facts_cache(settings)
    cache.start(engine_for(settings.naikkelas_db_url))
    return cache


class OfficialHandler(HubUserWithoutBlocking, HubOAuthenticated, web.RequestHandler):
    def initialize(self, settings: Settings, **_):
        self.nk = settings
        self.engine = engine_for(settings.naikkelas_db_url)
        self.cache = facts_cache(settings)

    def set_default_headers(self):
        # The platform's headers for staff pages (nosniff, referrer policy, HSTS with TLS),
        # with the strict page policy: the dashboard has no script at all.
        apply(self, self.settings["naikkelas_headers"](STRICT_PAGE_CSP))
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Frame-Options", "DENY")

    def check_official(self) -> None:
        account = get_account(self.engine, self.current_user["name"])
        if account is None or account.role not in (Role.OFFICIAL, Role.ADMIN):
            raise web.HTTPError(403, "Halaman ini hanya untuk pejabat dan admin.")

    @property
    def base(self) -> str:
        return self.settings["naikkelas_prefix"]

    @property
    def page_url(self) -> str:
        return f"{self.base}pejabat/"

    def write_error(self, status_code, **kwargs):
        exc = kwargs.get("exc_info", (None, None, None))[1]
        message = getattr(exc, "log_message", None) or "Terjadi kesalahan. Coba lagi nanti."
        self.finish(
            _templates.get_template("pejabat_error.html").render(prefix=self.base, message=message)
        )

    def args(self) -> dict[str, list[str]]:
        return {name: self.get_query_arguments(name) for name in self.request.query_arguments}

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.nk.timezone)

    async def snapshot(self) -> Snapshot | None:
        """The cached facts at once (possibly out of date, see `Snapshot.updating`); None
        while the first load runs, after the "Data sedang disiapkan" page was sent."""
        found = await asyncio.to_thread(self.cache.snapshot, self.engine)
        if found is None:
            # A small platform's first load takes seconds: worth a short wait, not a page.
            await asyncio.to_thread(self.cache.wait_idle, FIRST_LOAD_WAIT_SECONDS)
            found = await asyncio.to_thread(self.cache.snapshot, self.engine)
        if found is None:
            self.preparing()
        return found

    def preparing(self) -> None:
        self.set_status(503)
        self.set_header("Retry-After", str(PREPARING_REFRESH_SECONDS))
        self.finish(preparing_html(self.cache, self.base, self.zone))


def _bars(view: View) -> list[charts.GroupBar]:
    bars = []
    shown = [row for row in view.groups if not row.suppressed][:CHART_GROUPS]
    hidden = [row for row in view.groups if row.suppressed]
    for row in shown:
        bars.append(
            charts.GroupBar(
                row.label,
                row.completion_rate,
                f"{charts.percent(row.completion_rate)} selesai",
                f"{charts.number(row.enrolled)} terdaftar · nilai rata-rata "
                f"{charts.score(row.average_score)}",
            )
        )
    if hidden:
        names = ", ".join(row.label for row in hidden[:5])
        names += " dan lainnya" if len(hidden) > 5 else ""
        bars.append(
            charts.GroupBar(
                f"{len(hidden)} kelompok kecil",
                None,
                charts.SUPPRESSED,
                f"disembunyikan: {names}",
            )
        )
    return bars


def render_charts(view: View) -> dict:
    """The SVG charts of a view."""
    by_label = LABELS[view.query.by].lower()
    weeks = [w.strftime("%d-%m-%Y") for w in view.weeks["week"]] if len(view.weeks) else []
    hardest = []
    for number, (title, table) in enumerate(view.hardest, start=1):
        bars = [
            charts.GroupBar(
                f"{row['lesson']} · {row['question']}",
                row["wrong_rate"],
                f"{charts.percent(row['wrong_rate'])} jawaban salah",
                f"{charts.number(row['learners'])} peserta · "
                f"{charts.number(row['attempts'])} jawaban",
            )
            for row in table.to_dict("records")
        ]
        hardest.append(
            (title, table, charts.group_chart(bars, f"Soal tersulit: {title}", f"nk-soal-{number}"))
        )
    return {
        "funnel": charts.funnel_chart(view.funnel),
        "groups": charts.group_chart(
            _bars(view), f"Tingkat selesai menurut {by_label}", "nk-kelompok"
        ),
        "weekly": charts.line_chart(
            weeks,
            [
                charts.Series("Sudah mulai", list(view.weeks["started"]) if weeks else []),
                charts.Series("Sudah selesai", list(view.weeks["finished"]) if weeks else []),
            ],
            "Peserta yang sudah mulai dan sudah selesai, per minggu",
            "nk-mingguan",
        ),
        "hardest": hardest,
    }


def cached_titles(facts, derived: dict) -> dict:
    if "titles" not in derived:
        derived["titles"] = course_titles(facts)
    return derived["titles"]


def cached_options(facts, derived: dict) -> dict:
    """The filters' choices, computed once per facts (they scan every row)."""
    if "options" not in derived:
        derived["options"] = options_of(facts)
    return derived["options"]


def dashboard_html(
    engine, snapshot: Snapshot, args, prefix: str, zone: ZoneInfo
) -> tuple[int, str]:
    """(status, HTML) of the dashboard for a query string's `args`, from cached facts: what
    DashboardPage sends (also used by tests and the benchmark, without tornado)."""
    facts, derived = snapshot.facts, snapshot.derived
    options = cached_options(facts, derived)
    titles = cached_titles(facts, derived)
    status, values = 200, {"error": "", "view": None, "charts": None}
    try:
        query = parse_query(args, options)
    except FilterError as e:
        status, query, values["error"] = 400, Query(), e.message
    if not values["error"]:
        # A view depends only on the facts and the query: kept as long as the facts are.
        view = derived.get(("view", query))
        if view is None:
            view = derived[("view", query)] = build_view(engine, facts, derived, query)
        values.update(view=view, charts=render_charts(view))
    html = _templates.get_template("pejabat.html").render(
        prefix=prefix,
        page=f"{prefix}pejabat/",
        query=query,
        dimensions=DIMENSIONS,
        labels=LABELS,
        options=options,
        label_of=lambda name, v: value_label(name, v, titles),
        fmt=charts,
        data_per=data_time(snapshot.taken_at, zone),
        updating=snapshot.updating,
        **values,
    )
    return status, html


def preparing_html(cache: FactsCache, prefix: str, zone: ZoneInfo) -> str:
    """The "Data sedang disiapkan" page: shown while the first load runs; reloads itself."""
    loading = cache.loading()
    return _templates.get_template("pejabat_disiapkan.html").render(
        prefix=prefix,
        refresh=PREPARING_REFRESH_SECONDS,
        started=data_time(loading.started_at, zone) if loading.started_at else "",
        seconds=int(loading.seconds),
        failed=bool(loading.last_error),
    )


class DashboardPage(OfficialHandler):
    @web.authenticated
    async def get(self):
        self.check_official()
        snapshot = await self.snapshot()
        if snapshot is None:
            return
        status, html = await asyncio.to_thread(
            dashboard_html, self.engine, snapshot, self.args(), self.base, self.zone
        )
        self.set_status(status)
        self.finish(html)


FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def export_bytes(facts, query: Query, kind: str, data_as_of: datetime | None = None) -> bytes:
    """The view as a file, made by the reports' own exporters (so the figures agree);
    `data_as_of` is when the facts were read (the XLSX and PDF say so)."""
    from naikkelas.grading import report_export

    # The workbook gets a detail sheet per dimension; CSV and PDF need only the chosen one.
    details = DIMENSIONS if kind == "xlsx" else ()
    report = report_export.build_report(
        facts, [query.by], query.filters, details=details, data_as_of=data_as_of
    )
    render = {
        "csv": report_export.csv_bytes,
        "xlsx": report_export.xlsx_bytes,
        "pdf": report_export.pdf_bytes,
    }[kind]
    return render(report)


class ExportHandler(OfficialHandler):
    """CSV, XLSX or PDF of the view the query string describes, as a download."""

    @web.authenticated
    async def get(self, kind):
        self.check_official()
        snapshot = await self.snapshot()
        if snapshot is None:
            return
        facts, derived = snapshot.facts, snapshot.derived
        try:
            query = parse_query(self.args(), cached_options(facts, derived))
        except FilterError as e:
            raise web.HTTPError(400, e.message) from None
        body = await asyncio.to_thread(export_bytes, facts, query, kind, snapshot.taken_at)
        # The file is named after the moment its figures were taken (the same cached facts
        # as the page), in the platform's time zone.
        taken = snapshot.taken_at.astimezone(self.zone).strftime("%Y-%m-%d-%H%M")
        self.set_header("Content-Type", FORMATS[kind])
        self.set_header(
            "Content-Disposition",
            f'attachment; filename="laporan-naikkelas-{query.by}-data-{taken}.{kind}"',
        )
        self.set_header("X-NaikKelas-Data-Per", snapshot.taken_at.isoformat())
        self.finish(body)


def official_routes(prefix: str, args: dict) -> list:
    return [
        (f"{prefix}pejabat/?", DashboardPage, args),
        (f"{prefix}pejabat/unduh/(csv|xlsx|pdf)", ExportHandler, args),
        (
            f"{prefix}pejabat/static/(.*)",
            SecureStaticFileHandler,
            {
                "path": str(Path(__file__).parent / "static"),
                "headers": settings_headers(args["settings"], API_CSP),
            },
        ),
    ]
