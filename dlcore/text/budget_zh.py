"""「訓練」按鈕旁的文字：下一次訓練使用的資料與時間上限，繁體中文。"""

ZH_TW: dict[str, str] = {
    "next.data.bundled": "📄 **下一次訓練**：{data}（{rows:,} 列）。",
    "next.data.upload": "📄 **下一次訓練**：你的檔案「{name}」（{rows:,} 列），預測「{target}」。",
    "next.data.waiting": "📄 **下一次訓練**：{data}（{rows:,} 列）：還沒有選擇檔案。",
    "next.data.rejected": "📄 **下一次訓練**：{data}（{rows:,} 列），**不是你的檔案**：它無法使用，請看上方的訊息。",
    "budget.eta": "⏱️ 預估訓練時間：在空閒的訓練器上大約 {eta}（若需要排隊，等待時間另計）。",
    "budget.over": (
        "⏱️ 這次訓練大約會佔用一個訓練器 **{estimate}**（{rows:,} 列、{params:,} 個參數、"
        "{epochs:,} 個 epoch、批次大小 {batch}）；每次訓練最多只能用 {budget}。請減少 epoch 或資料列數，"
        "或選擇小一點的模型、大一點的批次。"
    ),
    "budget.sample": "隨機取 {total:,} 列中的 {rows:,} 列來訓練",
    "budget.epochs": "訓練 {epochs:,} 個 epoch，而不是 {planned:,} 個",
    "time.seconds": "{seconds} 秒",
    "time.minutes": "{minutes} 分鐘",
    "time.hours": "{hours} 小時 {minutes:02d} 分鐘",
}
