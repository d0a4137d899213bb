"""在 Dask 叢集上訓練（``DLP_DASK_SCHEDULER``）的文字：首頁提示，以及工作節點或排程器離線時的錯誤，繁體中文。"""

ZH_TW: dict[str, str] = {
    "cluster.on": "訓練在 {address} 的 Dask 叢集上執行：共 {workers} 個工作節點，{busy} 個忙碌中，{pending} 個排隊中。",
    "cluster.unreachable": (
        "{address} 的 Dask 排程器沒有回應，所以目前訓練改在這台伺服器上執行。"
        "請確認排程器已經啟動（見 README 的「Past one machine」）；應用程式會持續重試。"
    ),
    "cluster.lost": (
        "與 {address} 的 Dask 排程器的連線中斷了。原本在叢集上的訓練已經停止；"
        "排程器恢復之前，新的訓練會在這台伺服器上執行。"
    ),
    "job.worker_lost": "執行這次訓練的電腦（{worker}）離開了叢集（關機或斷線）。請再訓練一次。",
    "job.scheduler_lost": "這次訓練進行中，與 Dask 排程器（{address}）的連線中斷了。請再訓練一次：這次會在這台伺服器上執行。",
}
