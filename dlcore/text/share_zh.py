"""「分享這個設定」區塊的文字（連結與 QR Code），繁體中文。"""

ZH_TW: dict[str, str] = {
    "share.title": "分享這個設定",
    "share.intro": "學生打開這個連結（或掃描 QR Code），就會看到這一頁完全相同的設定。",
    "share.no_address": "還不知道這一頁的網址：請重新整理頁面。",
    "share.local_note": (
        "這個網址只在這台電腦上有效。請輸入學生連線用的位址："
        "這台電腦在教室網路上的位址（防火牆要允許這個連接埠）。"
    ),
    "share.host": "學生連線用的位址",
    "share.host_help": "這台電腦在區域網路上的位址，連接埠不同時一併填寫，例如 192.168.1.20:8501。位址不會放進連結裡。",
    "share.bad_host": "「{host}」不是有效的位址：請輸入主機名稱或 IP 位址，可以加上連接埠（例如 :8501）。",
    "share.scan": "用手機相機掃描 QR Code，就能打開這個設定。",
    "share.large": "投影用的大型 QR Code",
    "share.dialog_title": "掃描 QR Code 開啟這個設定",
    "share.dialog_caption": "用手機相機對準 QR Code，或輸入下面的連結。",
}
