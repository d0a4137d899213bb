"""執行紀錄儲存的文字（儲存的訓練、工作區、中斷的訓練、刪除訓練），繁體中文。"""

ZH_TW: dict[str, str] = {
    "store.interrupted": "在第 {epoch} 個 epoch（共 {epochs} 個）中斷了（伺服器重新啟動）；到那時為止的曲線都保留著。",
    "store.unsaved": "你的訓練紀錄暫時無法儲存：連不上資料庫。訓練照常進行，等資料庫恢復後就會寫入。",
    "store.unsaved_pending": "暫存在記憶體中、等候寫入的訓練更新：{pending} 筆。",
    "store.ws_replaced": "連結裡的工作區識別碼無效，所以這個瀏覽器換了一個新的空白工作區。",
    "store.cap_dropped": "已移除最舊的 {count} 筆訓練：每個工作區最多保留 {cap} 筆。",
    "store.kept": (
        "這一頁顯示你最近的 {shown} 筆訓練。它們存在這一頁的網址底下"
        "（請保留或加入書籤：重新整理或伺服器重新啟動後都會回來）；最多保留 {cap} 筆。"
    ),
    "store.delete_pick": "要刪除的訓練",
    "store.delete": "刪除這筆訓練",
    "store.delete_all": "刪除全部訓練",
    "store.delete_all_ask": "要刪除這一頁全部 {count} 筆訓練嗎？刪除後無法復原。",
    "store.delete_all_yes": "是的，全部刪除",
    "store.delete_all_no": "取消",
    "store.deleted_one": "已刪除第 {number} 筆訓練。",
    "store.deleted_all": "已刪除 {count} 筆訓練。",
    "store.delete_failed": "連不上資料庫，所以沒有刪除任何東西。請等資料庫恢復後再試一次。",
    "store.status.completed": "完成",
    "store.status.early_stopping": "提前停止",
    "store.status.cancelled": "已停止",
    "store.status.diverged": "發散",
    "store.status.failed": "失敗",
    "store.status.interrupted": "中斷",
}
