"""A run's setup as a link: the query parameters that open it on its lesson
page, and the address of another page of the app."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from dlcore.board.metrics import UPLOAD, data_of, model_spec, train_config
from dlcore.share import link_value
from dlcore.spec import OPTIMIZERS


def setup_params(page: str, meta: dict[str, Any]) -> dict[str, str]:
    """The query parameters that open a run's setup on its lesson page.

    The keys are the panel's widget keys (``ui.panel``): depth and width (or
    ``per_layer`` and ``units_1`` …), activation, regularisation, the loss,
    the optimizer (with momentum where it applies), batch size, epochs,
    early stopping (with its settings when on) and the seed; on the
    classifier page also the bundled data set and its split.

    Args:
        page: The lesson's slug.
        meta: The run's settings.

    Returns:
        Parameter name → value, in the panel's order (empty if unreadable).
    """
    model, train = model_spec(meta), train_config(meta)
    if model is None or train is None:
        return {}
    params: dict[str, Any] = {"depth": model.depth}
    if model.depth:
        if model.is_uniform:
            params.update(per_layer=False, width=model.units[0])
        else:
            params["per_layer"] = True
            params.update({f"units_{i}": units for i, units in enumerate(model.units, 1)})
    params.update(
        activation=model.activation, dropout=model.dropout, batchnorm=model.batchnorm, l1=model.l1, l2=model.l2
    )
    params.update(loss=train.loss, optimizer=train.optimizer, learning_rate=train.learning_rate)
    if OPTIMIZERS[train.optimizer].uses_momentum:
        params["momentum"] = train.momentum
    params.update(batch_size=train.batch_size, epochs=train.epochs, early_stopping=train.early_stopping)
    if train.early_stopping:
        params.update(min_delta=train.min_delta, patience=train.patience, restore_best=train.restore_best)
    params["seed"] = train.seed
    if page == "classification":
        params.update(_classification_data(data_of(meta, page)))
    return {key: link_value(value) for key, value in params.items()}


def _classification_data(data: dict[str, Any]) -> dict[str, Any]:
    """The classifier page's data controls for a bundled data set (an upload cannot travel)."""
    if data.get("dataset") in (UPLOAD, "?"):
        return {}
    params: dict[str, Any] = {"dataset": data["dataset"]}
    if "train_fraction" in data:
        params["train_ratio"] = float(data["train_fraction"])
    if "seed" in data:
        params["data_seed"] = int(data["seed"])
    if "noise" in data:
        params["noise"] = float(data["noise"])
    if "n_points" in data:
        params["n_points"] = int(data["n_points"])
    for name in data.get("features", ()):  # the 2-D sets' extra input columns (checkboxes)
        params[f"feature_{name}"] = True
    return params


def app_url(page_url: str, slug: str) -> str:
    """The address of another page of the app, from the current page's address.

    Args:
        page_url: The current page's address (``st.context.url``), e.g.
            ``http://host:8501/class`` or ``http://host/dlp/class``.
        slug: The page's URL path (``"wine"``), or ``""`` for the home page.

    Returns:
        The page's address without a query.
    """
    parts = urlsplit(page_url)
    path = parts.path.rstrip("/")
    root = path[: path.rfind("/") + 1] if "/" in path else "/"
    return urlunsplit((parts.scheme, parts.netloc, root + slug, "", ""))
