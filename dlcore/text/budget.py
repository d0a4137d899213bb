"""Texts next to the Train button: the data the next run uses and its time budget (English)."""

EN: dict[str, str] = {
    "next.data.bundled": "📄 **Next run:** {data} ({rows:,} rows).",
    "next.data.upload": "📄 **Next run:** your file “{name}” ({rows:,} rows), predicting “{target}”.",
    "next.data.waiting": "📄 **Next run:** {data} ({rows:,} rows): no file has been chosen yet.",
    "next.data.rejected": "📄 **Next run:** {data} ({rows:,} rows), **not your file**: it cannot be used, see the message above.",
    "budget.eta": "⏱️ Estimated training time: about {eta} on a free trainer (waiting in the queue comes on top).",
    "budget.over": (
        "⏱️ This run would take about **{estimate}** of a trainer ({rows:,} rows, {params:,} parameters, "
        "{epochs:,} epochs, batch size {batch}); one run may take at most {budget}. Train fewer epochs or use fewer "
        "rows, or choose a smaller model or a larger batch."
    ),
    "budget.sample": "Train on a random {rows:,} of the {total:,} rows",
    "budget.epochs": "Train {epochs:,} epochs instead of {planned:,}",
    "time.seconds": "{seconds} s",
    "time.minutes": "{minutes} min",
    "time.hours": "{hours} h {minutes:02d} min",
}
