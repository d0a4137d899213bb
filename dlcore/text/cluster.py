"""Texts about training on a Dask cluster (``DLP_DASK_SCHEDULER``): the home
page's notice and the errors of jobs whose worker or scheduler went away."""

EN: dict[str, str] = {
    "cluster.on": "Trainings run on the Dask cluster at {address}: {workers} workers, {busy} busy, {pending} waiting.",
    "cluster.unreachable": (
        "The Dask scheduler at {address} does not answer, so trainings run on this server for now. "
        "Check that the scheduler is started (see the README, “Past one machine”); the app keeps trying."
    ),
    "cluster.lost": (
        "The connection to the Dask scheduler at {address} was lost. Runs that were on the cluster have stopped; "
        "new runs train on this server until the scheduler is back."
    ),
    "job.worker_lost": (
        "The computer that ran this training ({worker}) left the cluster (switched off or disconnected). "
        "Please train again."
    ),
    "job.scheduler_lost": (
        "The connection to the Dask scheduler ({address}) was lost during this run. "
        "Please train again: the run will use this server."
    ),
}
