"""The live board (``classroom.page``'s last section): the leaderboards with
their curves and scatter plots per lesson and data set, the sweep's heatmap,
and the teacher's post tools (remove a post, download every run as CSV).

Display names are students' own text: tables show them as data, figures
through ``plotly_text``. Teacher actions check the teacher key in the
store's calls; a refusal is a message, never a traceback.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from classroom.teacher import Access
from dlcore.board.links import app_url, setup_params
from dlcore.board.metrics import metric_key
from dlcore.board.rows import BoardRow, all_rows, csv_frame, leaderboards
from dlcore.board.sweep import Sweep, heatmap, sweep_from_dict
from dlcore.figures.board import curves_figure, heatmap_figure, scatter_figure
from dlcore.share import share_url
from dlcore.store.classes import ClassError, ClassInfo, board, get_class, remove_posts
from dlcore.store.db import Database
from dlcore.text import t
from ui.charts import show_memoized
from ui.store import database_lost

BOARD_POLL_SECONDS = 1.5  # a post shows within 2 s
VERDICT_BADGES = {"good_fit": "🟢", "overfitting": "🟠", "underfitting": "🔵", "unstable": "🔴", "too_short": "⚪"}


def live_board(db: Database, who: Access, lang: str) -> None:
    """The board, redrawn every 1.5 s from the store (a post shows within 2 s)."""

    @st.fragment(run_every=BOARD_POLL_SECONDS)
    def redraw() -> None:
        # The fragment shows its own errors (the page's try/except never sees
        # them), and it runs on its own every 1.5 s: a database that stops
        # answering must give the message, not a traceback.
        try:
            _redraw(db, who, lang)
        except SQLAlchemyError:
            database_lost()  # pages leave it alone for a few seconds
            st.error(t("class.unreachable", lang))

    redraw()


def _redraw(db: Database, who: Access, lang: str) -> None:
    """One drawing of the board (``live_board``'s fragment)."""
    info = get_class(db, who.code)
    if info is None:
        st.error(t("class.error.unknown_class", lang))
        return
    posts = board(db, who.code)
    signature = (tuple(p.post_id for p in posts), info.hide_names, lang)
    memo = st.session_state.get("_board_memo")
    if memo is None or memo[0] != signature:  # rows are rebuilt only when a post came or went
        memo = (signature, leaderboards(posts, hide_names=info.hide_names, lang=lang))
        st.session_state["_board_memo"] = memo
    boards = memo[1]
    _status_line(info, len(posts), lang)
    if not posts:
        st.info(t("board.empty", lang))
    for page, groups in boards.items():
        _lesson_board(page, groups, who, signature, lang)
    sweep = sweep_from_dict(info.sweep)
    if sweep is not None:
        _sweep_heatmap(sweep, all_rows(boards), signature, lang)
    if who.teacher and posts:
        _post_tools(db, who, all_rows(boards), lang)


def _status_line(info: ClassInfo, count: int, lang: str) -> None:
    st.subheader(t("board.title", lang, code=info.code, count=count))
    if info.closed:
        st.warning(t("board.closed_note", lang))


def metric_name(page: str, group: str, lang: str) -> str:
    """The board's metric, named for its lesson and data."""
    return t(f"board.metric.{metric_key(page, group)}", lang)


def group_name(page: str, group: str, lang: str) -> str:
    """A data set's name as its lesson page names it."""
    if group == "upload":
        return t("board.group.upload", lang)
    if page == "classification" and group != "?":
        return t(f"clf.ds.{group}", lang)
    return t("board.group.wine", lang)


def _lesson_board(page: str, groups: dict[str, list[BoardRow]], who: Access, signature: tuple, lang: str) -> None:
    count = sum(len(rows) for rows in groups.values())
    st.header(t("board.lesson", lang, lesson=t(f"lesson.{page}.title", lang), count=count))
    for group, rows in groups.items():
        if len(groups) > 1 or page == "classification":
            st.subheader(group_name(page, group, lang))
        metric = metric_name(page, group, lang)
        st.dataframe(
            leaderboard_frame(rows, page, who, lang),
            hide_index=True,
            width="stretch",
            key=f"board_{page}_{group}_table",
            column_config={
                t("board.col.open", lang): st.column_config.LinkColumn(display_text=t("board.open", lang)),
                t("board.col.metric", lang): st.column_config.NumberColumn(help=metric, format="%.4f"),
            },
        )
        curves_col, scatter_col = st.columns(2)
        key = f"board_{page}_{group}"
        show_memoized(
            lambda: curves_figure(rows, metric=metric, lang=lang),
            key=f"{key}_curves",
            signature=signature,
            where=curves_col,
        )
        show_memoized(
            lambda: scatter_figure(rows, metric=metric, lang=lang),
            key=f"{key}_scatter",
            signature=signature,
            where=scatter_col,
        )


def badge(row: BoardRow, lang: str) -> str:
    """The diagnosis as a badge: a coloured dot and the verdict."""
    return f"{VERDICT_BADGES[row.verdict]} {t(f'dx.verdict.{row.verdict}', lang, epoch=row.verdict_epoch)}"


def leaderboard_frame(rows: list[BoardRow], page: str, who: Access, lang: str) -> pd.DataFrame:
    """One leaderboard as a table (names are data: shown as plain text)."""
    base = st.context.url
    records = []
    for row in rows:
        record: dict[str, Any] = {
            "#": row.rank if row.rank is not None else "–",
            t("board.col.student", lang): row.name,
            t("board.col.model", lang): row.model,
            t("board.col.metric", lang): row.metric,
        }
        if page == "classification":
            record[t("board.col.auc", lang)] = row.auc
        record[t("board.col.epoch", lang)] = f"{row.best_epoch or '–'} / {row.epochs}"
        record[t("board.col.diagnosis", lang)] = badge(row, lang)
        record[t("board.col.params", lang)] = row.params
        if who.teacher and base is not None:
            # The setup only: the table is projected and its links copied, so
            # they must not carry the teacher's workspace (``ws``).
            record[t("board.col.open", lang)] = share_url(app_url(base, row.page), setup_params(row.page, row.meta))
        records.append(record)
    return pd.DataFrame(records)


def _sweep_heatmap(sweep: Sweep, rows: list[BoardRow], signature: tuple, lang: str) -> None:
    st.header(t("board.sweep.heatmap", lang, lesson=t(f"lesson.{sweep.page}.title", lang)))
    data = heatmap(sweep, rows)
    x_title = t(f"board.control.{data.x_control}", lang)
    y_title = t(f"board.control.{data.y_control}", lang) if data.y_control else ""
    metric = metric_name(sweep.page, "wine", lang)
    show_memoized(
        lambda: heatmap_figure(data, metric=metric, x_title=x_title, y_title=y_title, lang=lang),
        key="board_sweep_heatmap",
        signature=(signature, sweep.to_dict().__repr__()),
    )


def _post_tools(db: Database, who: Access, rows: list[BoardRow], lang: str) -> None:
    """Remove one post, or download every run as CSV (teacher only)."""
    by_id = {row.post_id: row for row in sorted(rows, key=lambda r: r.posted_at)}
    remove_col, download_col = st.columns([3, 1], vertical_alignment="bottom")
    chosen = remove_col.selectbox(
        t("board.remove_which", lang),
        list(by_id),
        key="class_remove_post",
        format_func=lambda post_id: t(
            "board.remove_option",
            lang,
            name=by_id[post_id].name,
            lesson=t(f"lesson.{by_id[post_id].page}.title", lang),
            model=by_id[post_id].model,
        ),
    )
    if remove_col.button(t("board.remove", lang), key="class_remove") and chosen is not None:
        try:
            remove_posts(db, who.code, who.key or "", [chosen])
        except ClassError as error:
            st.error(t(f"class.error.{error.code}", lang))
            return
        st.rerun(scope="fragment")
    download_col.download_button(
        t("board.csv", lang),
        lambda: class_csv(db, who.code, lang),  # built only when clicked
        file_name=f"class_{who.code}_runs.csv",
        mime="text/csv",
        key="class_csv",
        width="stretch",
    )


def class_csv(db: Database, code: str, lang: str) -> str:
    """Every posted run of the class as CSV, one row per run (or, when the
    database does not answer, the message saying so: this runs outside any
    script run, when the download is asked for, so it cannot show one)."""
    try:
        posts = board(db, code)
    except SQLAlchemyError:
        database_lost()  # pages leave it alone for a few seconds
        return t("class.unreachable", lang) + "\n"
    # The teacher's own file: the names as typed, whatever the projector shows.
    return csv_frame(all_rows(leaderboards(posts, hide_names=False, lang=lang)), lang).to_csv(index=False)
