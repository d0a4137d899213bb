"""The class board's numbers (dlcore/board/) and figures, against values
worked out by hand from small histories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dlcore.board.links import app_url, setup_params
from dlcore.board.metrics import best_of, metric_curve, model_line, wine_quality_span
from dlcore.board.rows import CSV_COLUMNS, all_rows, board_row, csv_frame, leaderboards
from dlcore.board.sweep import (
    Heatmap,
    SweepError,
    cell_label,
    cell_params,
    cell_values,
    heatmap,
    make_sweep,
    parse_values,
    run_cell,
    sweep_from_dict,
)
from dlcore.figures.board import curves_figure, heatmap_figure, scatter_figure
from dlcore.runtime.runs import RunRecord
from dlcore.share import link_value
from dlcore.store.classes import BoardPost

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
HOSTILE = "Mei <b>'x'</b>;--"


def meta(
    units=(512, 512, 512),
    *,
    loss="mae",
    optimizer="adam",
    lr=0.001,
    dropout=0.0,
    batchnorm="none",
    es=False,
    data=None,
    output=None,
    **more,
):
    model = {
        "n_inputs": 11 if output is None else 2,
        "units": list(units),
        "activation": "relu",
        "dropout": dropout,
        "batchnorm": batchnorm,
        "l1": 0.0,
        "l2": more.pop("l2", 0.0),
        "output_activation": output,
    }
    train = {
        "loss": loss,
        "optimizer": optimizer,
        "learning_rate": lr,
        "momentum": 0.9,
        "batch_size": 256,
        "epochs": 10,
        "early_stopping": es,
        "min_delta": 0.001,
        "patience": 20,
        "restore_best": True,
        "seed": 0,
    }
    return {"model": model, "train": train, "data": data or {"dataset": "wine"}, "label": "x", **more}


def post(post_id, page, meta_, history, *, member=1, name="Li", minutes=0, cell=None, result=None):
    record = RunRecord(1, meta_, history, result if result is not None else {"stop_reason": "completed"})
    return BoardPost(post_id, member, name, page, cell, record, T0 + timedelta(minutes=minutes))


# ------------------------------------------------------------ the model line


@pytest.mark.parametrize(
    ("settings", "line"),
    [
        (meta(), "3×512 relu · adam"),
        (
            meta((4, 3), optimizer="sgd", lr=0.01, dropout=0.3, batchnorm="after", es=True),
            "4→3 relu · sgd 0.01 · dropout 0.3 · batch norm · early stopping",
        ),
        (meta((), l2=0.001), "linear unit · adam · L1 0 L2 0.001"),
        (meta((64,), batchnorm="before_activation"), "1×64 relu · adam · batch norm before act."),
    ],
)
def test_model_line(settings, line) -> None:
    assert model_line(settings, "en") == line


def test_model_line_in_chinese_and_for_unreadable_settings() -> None:
    assert model_line(meta(dropout=0.3), "zh-TW") == "3×512 relu · adam · dropout 0.3"
    assert model_line({"label": "old run"}, "en") == "old run"


# ------------------------------------------------------------------ metrics


def test_wine_metric_is_the_mae_in_quality_points() -> None:
    # the training split's quality runs from 3 to 8: one scaled unit is 5 points
    assert wine_quality_span() == 5.0
    assert metric_curve("wine", meta(), {"val_loss": [0.2, 0.1, float("nan")]}) == [1.0, 0.5, None]
    # an MSE run: its MAE is Keras's val_mae, not its loss
    assert metric_curve("overfitting", meta(loss="mse"), {"val_loss": [0.04], "val_mae": [0.16]}) == [
        pytest.approx(0.8)
    ]
    # an uploaded table keeps the scaled MAE
    assert metric_curve("wine", meta(data={"dataset": "upload"}), {"val_loss": [0.2]}) == [0.2]


def test_classification_metric_is_the_best_accuracy_and_auc() -> None:
    history = {
        "val_binary_accuracy": [0.6, 0.9, 0.85],
        "val_auc": [0.7, 0.93, 0.95],
        "loss": [1, 1, 1],
        "val_loss": [1, 1, 1],
    }
    settings = meta(
        (4,),
        loss="binary_crossentropy",
        output="sigmoid",
        data={"dataset": "circle", "train_fraction": 0.7, "seed": 0, "noise": 0.1, "n_points": 400},
    )
    row = board_row(post(1, "classification", settings, history), hide_names=False, lang="en")
    assert (row.metric, row.best_epoch, row.auc, row.group) == (0.9, 2, 0.95, "circle")


def test_best_of_takes_the_first_epoch_on_ties() -> None:
    assert best_of([0.5, 0.3, 0.3, None], higher=False) == (0.3, 2)
    assert best_of([0.5, 0.9, 0.9], higher=True) == (0.9, 2)
    assert best_of([None], higher=True) is None


# ---------------------------------------------------------------- the board


def test_rows_are_ranked_per_lesson_and_data_set() -> None:
    posts = [
        post(1, "wine", meta(), {"loss": [0.3, 0.2], "val_loss": [0.3, 0.12]}, member=1, name=HOSTILE),
        post(2, "wine", meta((64,)), {"loss": [0.3, 0.2], "val_loss": [0.3, 0.10]}, member=2, name="Li", minutes=1),
        post(3, "wine", meta((16,)), {"loss": [0.3, 0.2], "val_loss": [0.3, 0.12]}, member=3, name="Ann", minutes=2),
        post(4, "wine", meta(), {}, member=4, name="Bo", minutes=3, result={}),  # failed before epoch 1
        post(5, "wine", meta(data={"dataset": "upload"}), {"loss": [0.3], "val_loss": [0.05]}, member=5, name="Up"),
    ]
    boards = leaderboards(posts, hide_names=False, lang="en")
    assert list(boards) == ["wine"] and list(boards["wine"]) == ["wine", "upload"]
    rows = boards["wine"]["wine"]
    # 0.10 × 5 = 0.5 first; 0.12 × 5 = 0.6 twice: the earlier post (Mei) before Ann; no metric last
    assert [(r.rank, r.name, r.metric) for r in rows] == [
        (1, "Li", 0.5),
        (2, HOSTILE, 0.6),
        (3, "Ann", 0.6),
        (None, "Bo", None),
    ]
    assert rows[0].params == 11 * 64 + 64 + 64 + 1  # Dense(64) + Dense(1)
    hidden = leaderboards(posts, hide_names=True, lang="en")["wine"]["wine"]
    assert [r.name for r in hidden] == ["Student 2", "Student 1", "Student 3", "Student 4"]
    assert leaderboards(posts, hide_names=True, lang="zh-TW")["wine"]["wine"][0].name == "學生 2"


def test_the_diagnosis_badge_reads_the_curves() -> None:
    # 16 epochs (no smoothing): training keeps falling, validation is lowest
    # at epoch 8 (0.65) and ends 51 % above it: over-fitting from epoch 8
    train = [1.0 - 0.04 * i for i in range(16)]
    valid = [1.0 - 0.05 * i for i in range(8)] + [0.70 + 0.04 * i for i in range(8)]
    row = board_row(post(1, "overfitting", meta(), {"loss": train, "val_loss": valid}), hide_names=False, lang="en")
    assert row.verdict == "overfitting" and row.verdict_epoch == 8


def test_setup_params_open_the_run_on_its_page() -> None:
    params = setup_params("wine", meta((64,), optimizer="momentum", lr=0.01, dropout=0.3, es=True))
    assert params == {
        "depth": "1", "per_layer": "false", "width": "64", "activation": "relu", "dropout": "0.3", "batchnorm": "none",
        "l1": "0", "l2": "0", "loss": "mae", "optimizer": "momentum", "learning_rate": "0.01", "momentum": "0.9",
        "batch_size": "256", "epochs": "10", "early_stopping": "true", "min_delta": "0.001", "patience": "20",
        "restore_best": "true", "seed": "0",
    }  # fmt: skip
    uneven = setup_params(
        "classification",
        meta(
            (4, 3),
            loss="binary_crossentropy",
            output="sigmoid",
            data={"dataset": "circle", "train_fraction": 0.7, "seed": 2, "noise": 0.1, "n_points": 400},
        ),
    )
    assert (uneven["per_layer"], uneven["units_1"], uneven["units_2"]) == ("true", "4", "3") and "width" not in uneven
    assert (uneven["dataset"], uneven["train_ratio"], uneven["data_seed"], uneven["noise"], uneven["n_points"]) == (
        "circle",
        "0.7",
        "2",
        "0.1",
        "400",
    )
    assert "momentum" not in uneven and "patience" not in uneven


@pytest.mark.parametrize(
    ("page_url", "slug", "expected"),
    [
        ("http://10.0.0.2:8501/class", "wine", "http://10.0.0.2:8501/wine"),
        ("https://school.example/dlp/class", "overfitting", "https://school.example/dlp/overfitting"),
        ("http://10.0.0.2:8501/class/", "", "http://10.0.0.2:8501/"),
    ],
)
def test_app_url(page_url, slug, expected) -> None:
    assert app_url(page_url, slug) == expected


# ---------------------------------------------------------------- the sweep


def test_parse_values() -> None:
    assert parse_values("width", "16, 64 256，1024") == (16, 64, 256, 1024)
    assert parse_values("dropout", "0, 0.3") == (0.0, 0.3)
    assert parse_values("learning_rate", "0.01 1e-3") == (0.01, 0.001)
    assert parse_values("batchnorm", "none after") == ("none", "after")
    for control, text, key in [
        ("width", "", "board.sweep.error.empty"),
        ("width", "0", "board.sweep.error.value"),
        ("width", "2.5", "board.sweep.error.value"),
        ("dropout", "0.9", "board.sweep.error.value"),
        ("learning_rate", "0.002", "board.sweep.error.value"),  # not one of the panel's rates
        ("width", "16 16", "board.sweep.error.twice"),
        ("width", " ".join(str(i) for i in range(1, 10)), "board.sweep.error.too_many"),
        ("seed", "1", "board.sweep.error.control"),
    ]:
        with pytest.raises(SweepError) as caught:
            parse_values(control, text)
        assert caught.value.key == key, (control, text)


@pytest.mark.parametrize(
    ("control", "most", "too_many"),
    [
        ("width", "1024", "1025"),  # the panel's limits: 1024 units, 8 hidden layers, 1000 epochs
        ("depth", "8", "9"),
        ("epochs", "1000", "1001"),
        ("learning_rate", "10", "30"),
        ("batch_size", "2048", "4096"),
        ("l2", "0.1", "1"),
    ],
)
def test_a_sweep_reaches_the_panels_limits_and_no_further(control, most, too_many) -> None:
    assert link_value(parse_values(control, most)[0]) == most
    with pytest.raises(SweepError) as caught:
        parse_values(control, too_many)
    assert caught.value.key == "board.sweep.error.value"


def test_link_value_writes_settings_as_links_do() -> None:
    assert [link_value(v) for v in (True, False, 0.001, 1e-5, 3.0, 64, "relu")] == [
        "true", "false", "0.001", "1e-05", "3", "64", "relu",
    ]  # fmt: skip


def test_cells_heatmap_and_matching() -> None:
    sweep = make_sweep("overfitting", [("width", "16, 64, 256, 1024"), ("dropout", "0, 0.3")])
    assert (sweep.shape, sweep.size) == ((2, 4), 8)
    assert cell_values(sweep, 5) == {"width": 64, "dropout": 0.3}  # row 1, column 1
    assert cell_params(sweep, 5) == {"width": "64", "dropout": "0.3", "per_layer": "false"}
    assert cell_label(sweep, 5, "en") == "width 64 · dropout 0.3"
    assert sweep_from_dict(sweep.to_dict()) == sweep
    assert run_cell(sweep, "overfitting", meta((64,), dropout=0.3)) == 5
    assert run_cell(sweep, "overfitting", meta((64, 32), dropout=0.3)) is None  # unequal layers have no width
    assert run_cell(sweep, "wine", meta((64,), dropout=0.3)) is None  # another lesson
    posts = [
        post(1, "overfitting", meta((64,), dropout=0.3), {"loss": [0.3, 0.2], "val_loss": [0.3, 0.14]}),
        post(2, "overfitting", meta((64,), dropout=0.3), {"loss": [0.3, 0.2], "val_loss": [0.3, 0.11]}, minutes=1),
        post(3, "overfitting", meta((16,)), {"loss": [0.3, 0.2], "val_loss": [0.3, 0.2]}, minutes=2),
        post(4, "overfitting", meta((32,)), {"loss": [0.3], "val_loss": [0.1]}, minutes=3),  # in no cell
    ]
    rows = all_rows(leaderboards(posts, hide_names=False, lang="en"))
    heat = heatmap(sweep, rows)
    assert heat.best == ((1.0, None, None, None), (None, pytest.approx(0.55), None, None))  # 0.2 × 5; 0.11 × 5
    assert heat.runs == ((1, 0, 0, 0), (0, 2, 0, 0))
    one = make_sweep("wine", [("depth", "1 2 3")])
    assert one.shape == (1, 3) and heatmap(one, []).y_values == ("",)
    for page, axes, key in [
        ("neuron", [("width", "1")], "board.sweep.error.page"),
        ("wine", [], "board.sweep.error.axes"),
        ("wine", [("width", "1"), ("width", "2")], "board.sweep.error.same"),
    ]:
        with pytest.raises(SweepError) as caught:
            make_sweep(page, axes)
        assert caught.value.key == key
    assert sweep_from_dict({"page": "wine", "axes": [["seed", [1]]]}) is None


def test_csv_frame() -> None:
    posts = [
        post(1, "wine", meta(), {"loss": [0.3, 0.2], "val_loss": [0.3, 0.12]}, name=HOSTILE),
        post(
            2,
            "classification",
            meta(
                (4,),
                loss="binary_crossentropy",
                output="sigmoid",
                data={"dataset": "ionosphere", "train_fraction": 0.7, "seed": 0},
            ),
            {"loss": [0.7], "val_loss": [0.6], "val_binary_accuracy": [0.8], "val_auc": [0.85]},
            member=2,
            name="Li",
            minutes=1,
        ),  # fmt: skip
    ]
    frame = csv_frame(all_rows(leaderboards(posts, hide_names=False, lang="en")), "en")
    assert list(frame.columns) == list(CSV_COLUMNS)
    assert list(frame["student"]) == [HOSTILE, "Li"]
    assert frame["best_val_mae_points"][0] == pytest.approx(0.6) and frame["best_val_accuracy"][1] == 0.8
    assert frame["best_val_auc"][1] == 0.85 and frame["posted_at"][0] == "2026-11-30T09:00:00+00:00"
    assert '"units": [512, 512, 512]' in frame["settings"][0]


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Mei = 1", "Mei = 1"),  # not at the start: as typed
    ],
)
def test_csv_names_never_run_as_spreadsheet_formulas(name, written) -> None:
    posts = [post(1, "wine", meta(), {"loss": [0.3, 0.2], "val_loss": [0.3, 0.12]}, name=name)]
    frame = csv_frame(all_rows(leaderboards(posts, hide_names=False, lang="en")), "en")
    assert frame["student"][0] == written
    assert frame["number"][0] == 1 and frame["best_val_mae_points"][0] == pytest.approx(0.6)  # numbers stay numbers


# ------------------------------------------------------------------ figures


def test_curves_and_scatter_highlight_the_top_three_with_names_as_text() -> None:
    posts = [
        post(
            i,
            "wine",
            meta((16 * i,)),
            {"loss": [0.3, 0.2], "val_loss": [0.3, 0.1 + 0.01 * i]},
            member=i,
            name=f"S{i}",
            minutes=i,
        )
        for i in range(1, 6)
    ]
    posts[0] = post(1, "wine", meta((16,)), {"loss": [0.3, 0.2], "val_loss": [0.3, 0.11]}, member=1, name=HOSTILE)
    rows = leaderboards(posts, hide_names=False, lang="en")["wine"]["wine"]
    fig = curves_figure(rows, metric="MAE", lang="en")
    named = [trace.name for trace in fig.data if trace.showlegend is not False]
    assert named == ["1. Mei &lt;b&gt;'x'&lt;/b&gt;;--", "2. S2", "3. S3"]
    (others,) = [trace for trace in fig.data if trace.showlegend is False]  # the other two, one grey trace
    assert others.x == (1, 2, None, 1, 2, None) and others.y == pytest.approx(
        (1.5, 0.7, None, 1.5, 0.75, None)
    )  # × 5 quality points
    scatter = scatter_figure(rows, metric="MAE", lang="en")
    assert scatter.layout.xaxis.type == "log"
    assert scatter.data[0].x == (
        16 * 4 * 11 + 16 * 4 + 16 * 4 + 1,
        16 * 5 * 11 + 16 * 5 + 16 * 5 + 1,
    )  # the others: S4, S5


def test_heatmap_figure() -> None:
    sweep = make_sweep("wine", [("width", "16 64"), ("dropout", "0 0.3")])
    heat = Heatmap("width", (16, 64), "dropout", (0.0, 0.3), ((0.5, None), (None, 0.7)), ((1, 0), (0, 2)))
    fig = heatmap_figure(heat, metric="MAE", x_title="width", y_title="dropout", lang="en")
    assert [list(row) for row in fig.data[0].z] == [[0.5, None], [None, 0.7]]
    assert [list(row) for row in fig.data[0].text] == [
        ["0.500<br>n = 1", "–<br>n = 0"],
        ["–<br>n = 0", "0.700<br>n = 2"],
    ]
    assert sweep.size == 4
