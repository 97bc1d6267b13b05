"""Charts of a wRVU report: PNG (matplotlib) and one interactive HTML file (plotly).

Both work offline: matplotlib draws with its Agg backend, and the HTML file
carries plotly's JavaScript inside it (no network, no browser needed to write it).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from clearclaim.wrvu.models import BenchmarkPlacement
from clearclaim.wrvu.report import group_expr

TOP_CODES = 20
TOP_PROVIDERS = 8


def write_charts(
    valued: pl.DataFrame,
    placements: list[BenchmarkPlacement],
    out: str | Path,
    *,
    by: str = "month",
    title: str = "wRVU",
) -> list[Path]:
    """Write wrvu_over_time.png, wrvu_by_code.png, wrvu_benchmark.png (with a benchmark)
    and wrvu_charts.html into ``out``; returns the paths written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import plotly.graph_objects as go

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    valued = valued.with_columns(pl.col("wrvu").fill_null(0))
    over_time = (
        valued.with_columns(group_expr(by if by in ("day", "week", "month", "quarter")
                                       else "month").alias("period"))
        .group_by("period", "provider")
        .agg(pl.col("wrvu").sum())
        .sort("period", "provider")
    )  # fmt: skip
    by_code = (
        valued.group_by("code").agg(pl.col("wrvu").sum(), pl.len().alias("procedures"))
        .sort("wrvu", descending=True).head(TOP_CODES)
    )  # fmt: skip
    written: list[Path] = []
    figures: list[go.Figure] = []

    # wRVU over time, one line per provider (the eight with most wRVU; the rest as one)
    periods = sorted(over_time["period"].unique().to_list())
    ranking = over_time.group_by("provider").agg(pl.col("wrvu").sum()).sort("wrvu", descending=True)
    shown = ranking["provider"].head(TOP_PROVIDERS).to_list()
    series: dict[str, dict[str, float]] = {}
    for period, provider, value in over_time.iter_rows():
        name = (provider or "(no provider)") if provider in shown else "other providers"
        line = series.setdefault(name, {})
        line[period] = line.get(period, 0.0) + value
    fig, ax = plt.subplots(figsize=(10, 5), dpi=100)
    plotly_time = go.Figure()
    positions = list(range(len(periods)))
    for name, values in series.items():
        ys = [values.get(p, 0.0) for p in periods]  # a period with nothing logged is 0
        ax.plot(positions, ys, marker="o", markersize=3, label=name)
        plotly_time.add_trace(go.Scatter(x=periods, y=ys, mode="lines+markers", name=name))
    step = max(1, len(periods) // 24)
    ax.set_xticks(positions[::step], periods[::step], rotation=45, ha="right")
    unit = by if by in ("day", "week", "month", "quarter") else "month"
    ax.set_title(f"{title} by {unit}")
    ax.set_ylabel("wRVU")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    written.append(_save(fig, folder / "wrvu_over_time.png", plt))
    plotly_time.update_layout(title=f"{title} by {unit}", yaxis_title="wRVU")
    figures.append(plotly_time)

    # wRVU by code
    codes = by_code["code"].to_list()[::-1]
    fig, ax = plt.subplots(figsize=(10, max(4, 0.35 * len(codes) + 1.5)), dpi=100)
    ax.barh(codes, by_code["wrvu"].to_list()[::-1], color="#3b6ea5")
    ax.set_title(f"{title}: the {len(codes)} codes with most wRVU")
    ax.set_xlabel("wRVU")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    written.append(_save(fig, folder / "wrvu_by_code.png", plt))
    figures.append(
        go.Figure(go.Bar(x=by_code["wrvu"].to_list(), y=by_code["code"].to_list(),
                         orientation="h", customdata=by_code["procedures"].to_list(),
                         hovertemplate="%{y}: %{x:.2f} wRVU (%{customdata} procedures)"))
        .update_layout(title=f"{title} by code", xaxis_title="wRVU",
                       yaxis={"autorange": "reversed"})
    )  # fmt: skip

    # against the benchmark percentiles
    placed = [p for p in placements if p.percentiles]
    if placed:
        fig, ax = plt.subplots(figsize=(10, 1.2 + 0.9 * len(placed)), dpi=100)
        plotly_bench = go.Figure()
        for row, item in enumerate(placed):
            points = sorted(item.percentiles.items(), key=lambda kv: float(kv[0][1:]))
            xs = [w for _, w in points]
            ax.plot([min(xs), max(xs)], [row, row], color="#bbbbbb", linewidth=8,
                    solid_capstyle="butt")  # fmt: skip
            for label, value in points:
                ax.plot([value], [row], "|", color="#555555", markersize=18)
                ax.annotate(label, (value, row + 0.22), ha="center", fontsize=8)
            ax.plot([item.annualised_wrvu], [row], "D", color="#c0392b", markersize=9)
            ax.annotate(f"{item.annualised_wrvu:,.0f}", (item.annualised_wrvu, row - 0.3),
                        ha="center", fontsize=8, color="#c0392b")  # fmt: skip
            plotly_bench.add_trace(go.Scatter(x=xs, y=[item.provider] * len(xs),
                                              mode="markers+text", text=[k for k, _ in points],
                                              textposition="top center", name="percentiles",
                                              marker={"symbol": "line-ns-open", "size": 18},
                                              showlegend=row == 0))  # fmt: skip
            plotly_bench.add_trace(go.Scatter(x=[item.annualised_wrvu], y=[item.provider],
                                              mode="markers", name="annualised wRVU",
                                              marker={"symbol": "diamond", "size": 12},
                                              showlegend=row == 0))  # fmt: skip
        ax.set_yticks(range(len(placed)), [f"{p.provider}\n({p.specialty})" for p in placed])
        ax.set_ylim(-0.8, len(placed) - 0.2)
        ax.set_xlabel("annual wRVU")
        ax.set_title(f"Annualised wRVU against the benchmark ({placed[0].benchmark})")
        ax.grid(axis="x", alpha=0.3)
        fig.tight_layout()
        written.append(_save(fig, folder / "wrvu_benchmark.png", plt))
        plotly_bench.update_layout(title="Annualised wRVU against the benchmark percentiles",
                                   xaxis_title="annual wRVU")  # fmt: skip
        figures.append(plotly_bench)

    html = folder / "wrvu_charts.html"
    parts = [
        figure.to_html(full_html=False, include_plotlyjs=(i == 0))
        for i, figure in enumerate(figures)
    ]
    html.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>"
        f"{title}</title></head><body>{''.join(parts)}</body></html>",
        encoding="utf-8",
    )
    written.append(html)
    return written


def _save(fig: object, path: Path, plt: object) -> Path:
    fig.savefig(path)  # type: ignore[attr-defined]
    plt.close(fig)  # type: ignore[attr-defined]
    return path
