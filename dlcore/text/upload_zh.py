"""Texts of "your own data" in Traditional Chinese (zh-TW): the keys of ``upload.EN``."""

ZH_TW: dict[str, str] = {
    # Blocking problems of the file itself
    "upload.error.too_large": "這個檔案有 {size_mb:.1f} MB，上限是 {limit_mb} MB。請上傳小一點的表格（減少列數或欄數）。",
    "upload.error.empty": "這個檔案是空的。請上傳一個有標題列、而且至少有 {minimum} 列資料的 CSV 檔。",
    "upload.error.binary": "「{filename}」看起來不像 CSV 文字檔：裡面有二進位資料（位置 {position:,} 的位元組 {byte}）。請把表格另存成「CSV UTF-8（逗號分隔）」，再上傳那個檔案。",
    "upload.error.encoding": "無法用 UTF-8、Big5 或 Windows-1252 解讀這個檔案的文字（問題出在位元組 {position:,}）。請另存成「CSV UTF-8」後再上傳一次。",
    "upload.error.parse": "無法把這個檔案讀成 CSV 表格：{detail}",
    "upload.error.ragged": "檔案的第 {line:,} 行有 {saw} 個欄位，但標題列有 {expected} 個。每一列的欄數都必須相同（是不是有某個值裡面含有沒加引號的「{delimiter}」？）。",
    "upload.error.unclosed_quote": "檔案第 {row:,} 列（標題是第 1 列）出現的引號 (\") 一直沒有關閉，所以檔案剩下的內容會全部變成同一格。請檢查那一列是不是多了一個 \"。",
    "upload.error.too_many_columns": "這個檔案有 {columns:,} 個欄位，上限是 {limit} 個。請只保留你需要的欄位。",
    "upload.error.no_rows": "這個檔案有標題列（{columns} 個欄位），但沒有任何資料列。",
    "upload.error.too_few_rows": "只剩下 {rows:,} 列可用的資料（讀到的 {read:,} 列中，有 {dropped:,} 列含有空白、NaN 或無限大的儲存格）；至少需要 {minimum} 列，才能按 70/30 分割資料並進行訓練。",
    "upload.error.no_numeric": "沒有任何一個欄位是純數字，所以沒有東西可以當作神經網路的輸入。讀到的欄位：{names}。",
    "upload.error.too_few_columns": "剩下可用的欄位：{count} 個（{names}）。模型需要一個目標欄位，以及至少一個特徵欄位。",
    # Blocking problems of the chosen target
    "upload.error.unknown_target": "表格中沒有「{target}」這個欄位。",
    "upload.error.target_constant": "目標「{target}」在全部 {rows:,} 列中都是同一個值 {value}：沒有東西可以預測。請選擇另一個欄位。",
    "upload.error.target_text": "目標「{target}」裡面是文字（{values}），不是數字：迴歸模型預測的是數字。如果這是只有兩個類別的欄位，請改用二元分類的頁面。",
    "upload.error.needs_threshold": "目標「{target}」有 {distinct:,} 種不同的值，但分類器只預測兩個類別。請選一個門檻值：{target} ≥ 門檻值的列會成為類別 1，其餘的成為類別 0。中位數 {median:g} 大約能把資料分成兩半。",
    "upload.error.bad_threshold": "門檻值 {threshold} 不是一個有限的數字。",
    "upload.error.single_class": "以 {target} ≥ {threshold:g} 當作類別 1 時，全部 {rows:,} 列都落在類別 {cls}：分類器需要兩個類別都有樣本。請選一個大於 {low:g}、而且不超過 {high:g} 的門檻值。",
    "upload.error.no_features": "除了目標「{target}」之外，已經沒有其他特徵欄位了；模型至少需要一個輸入。",
    # Non-blocking notes
    "upload.note.encoding": "這個檔案不是 UTF-8 編碼，已改用 {encoding} 讀取。",
    "upload.note.delimiter": "欄位之間是用「{delimiter}」分隔的。",
    "upload.note.no_header": "第一列是數字，所以被當作資料而不是標題；各欄位依序命名為「column 1」到「column {columns}」。",
    "upload.note.blank_names": "沒有名稱的欄位改用它們的位置來命名（{count} 個）：{names}。",
    "upload.note.duplicate_names": "重複的欄位名稱已加上編號，讓每個名稱都不一樣：{names}。",
    "upload.note.empty_columns": "已移除空白的欄位（{count} 個）：{names}。",
    "upload.note.text_columns": "已移除不是純數字的欄位（{count} 個）：{names}。",
    "upload.note.dropped_rows": "讀到的 {read:,} 列中，有 {dropped:,} 列含有空白、NaN 或無限大的儲存格，已經移除；剩下 {rows:,} 列。",
    "upload.note.text_features": "只有兩種值的文字欄位，不會當作輸入（{count} 個）：{names}。",
    "upload.note.constant_columns": "已移除每一列數值都相同的欄位（{count} 個）：{names}。這些欄位沒有任何資訊，而且 min-max 標準化時會除以 max − min = 0。",
    "upload.note.class_mapping": "目標「{target}」：「{zero}」→ 類別 0（{zeros:,} 列），「{one}」→ 類別 1（{ones:,} 列）。",
    "upload.note.threshold": "目標「{target}」：{target} ≥ {threshold:g} → 類別 1（{ones:,} 列），{target} < {threshold:g} → 類別 0（{zeros:,} 列）。",
}
