"""The register and statistics: the CLI's stats and export as a page, with a plot."""

from __future__ import annotations

import io
import json
from collections import Counter, defaultdict
from datetime import date

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.web import Console, signed_in
from bot.rights.catalogue import catalogue
from bot.settings import Settings
from bot.tickets.models import Ticket
from bot.tickets.records import register_csv, register_row


def monthly(settings: Settings, tickets: list[Ticket]) -> tuple[list[str], dict[str, list[int]], list[float | None]]:
    """Months (YYYY-MM) with requests, requests per right and month, on-time rate of the month's closings."""
    local = settings.jurisdiction.local_date
    per: dict[str, Counter[str]] = defaultdict(Counter)
    closed: Counter[str] = Counter()
    on_time: Counter[str] = Counter()
    for t in tickets:
        month = local(t.received_at).strftime("%Y-%m")
        for right in t.rights:
            per[right][month] += 1
        if t.closed_at is not None:
            done = local(t.closed_at).strftime("%Y-%m")
            closed[done] += 1
            on_time[done] += local(t.closed_at) <= t.effective_due
    months = sorted({m for c in per.values() for m in c} | set(closed))
    counts = {right: [per[right][m] for m in months] for right in catalogue() if per[right]}
    rates = [on_time[m] / closed[m] if closed[m] else None for m in months]
    return months, counts, rates


def plot_svg(settings: Settings, tickets: list[Ticket]) -> bytes:
    """Requests per month by right (stacked bars) and the on-time rate (line), as SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "privacybot"  # the same data gives the same file
    plt.rcParams["svg.fonttype"] = "none"  # text stays text (smaller, searchable)
    months, counts, rates = monthly(settings, tickets)
    fig, ax = plt.subplots(figsize=(8, 3.6), dpi=100)
    bottom = [0] * len(months)
    names = catalogue()
    for right, values in counts.items():
        ax.bar(months, values, bottom=bottom, label=names[right].name)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel("requests received")
    ax.set_title("Requests per month by right, and on-time rate")
    if not months:
        ax.text(0.5, 0.5, "no requests yet", ha="center", va="center", transform=ax.transAxes)
    rate_axis = ax.twinx()
    points = [(m, r * 100) for m, r in zip(months, rates, strict=True) if r is not None]
    if points:
        rate_axis.plot([p[0] for p in points], [p[1] for p in points], "k.-", label="closed on time (%)")
    rate_axis.set_ylim(0, 105)
    rate_axis.set_ylabel("closed on time (%)")
    if counts:
        ax.legend(loc="upper left", fontsize=7, frameon=False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    plt.close(fig)
    return out.getvalue()


def add_routes(app: Sanic, console: Console) -> None:
    """The register pages."""
    login_required = signed_in(console)

    @app.get("/register")
    @login_required
    async def register(request: Request) -> HTTPResponse:
        today: date = console.settings.jurisdiction.local_date(console.now())
        stats = console.service.stats(today=today)
        return console.render(request, "register.html", stats=stats, rights=catalogue(), today=today)

    @app.get("/register/plot.svg")
    @login_required
    async def plot(request: Request) -> HTTPResponse:
        return response.raw(plot_svg(console.settings, console.service.find()), content_type="image/svg+xml")

    @app.get("/register/export.csv")
    @login_required
    async def export_csv(request: Request) -> HTTPResponse:
        console.log(request.ctx.current.email, "register_exported", request, "csv")
        return response.text(
            register_csv(console.service.find()),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="register.csv"'},
        )

    @app.get("/register/export.json")
    @login_required
    async def export_json(request: Request) -> HTTPResponse:
        console.log(request.ctx.current.email, "register_exported", request, "json")
        rows = [register_row(t) for t in console.service.find()]
        return response.text(
            json.dumps(rows, ensure_ascii=False, indent=2),
            content_type="application/json",
            headers={"Content-Disposition": 'attachment; filename="register.json"'},
        )
