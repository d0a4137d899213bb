"""Texts of pausing, stepping, resuming and continuing a run (Traditional Chinese, Taiwan)."""

ZH_TW: dict[str, str] = {
    "pause.pause": "暫停",
    "pause.resume": "繼續",
    "pause.step": "單步（再訓練一個 epoch）",
    "pause.pausing": "這個 epoch 結束後就會暫停……",
    "pause.status": "已在第 {epoch} 個 epoch 後暫停（共 {epochs} 個）。",
    "pause.status_freed": (
        "已在第 {epoch} 個 epoch 後暫停（共 {epochs} 個）。暫停期間，這台訓練機器已經讓給其他人使用；"
        "模型連同優化器的狀態都已存好，按「繼續」或「單步」就會從這裡接著訓練。"
    ),
    "pause.help": "「繼續」會一路訓練到最後一個 epoch；「單步」只再訓練一個 epoch，然後再次暫停。",
    "pause.more_epochs": "再訓練幾個 epoch",
    "pause.train_more": "再多訓練幾個 epoch",
    "pause.train_more_help": "接著這次訓練的模型（同樣的權重、同樣的優化器狀態）繼續訓練；新的 epoch 會接在同一條曲線後面。",
    "pause.model_gone": "這次訓練存下的模型已經不在了，所以無法接著訓練。",
    "pause.continuing": "第 {number} 次訓練從第 {epoch} 個 epoch 之後接著進行。",
    "store.status.paused": "已暫停",
}
