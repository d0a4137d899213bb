"""Texts of the sidebar's "Share this setup" section (link and QR code)."""

EN: dict[str, str] = {
    "share.title": "Share this setup",
    "share.intro": "Students who open this link (or scan the code) get exactly the settings of this page.",
    "share.no_address": "The page's address is not known yet: reload the page.",
    "share.local_note": (
        "This address only works on this computer. Enter the address students use: "
        "this computer's address on the classroom network (its firewall must let the port through)."
    ),
    "share.host": "Address for students",
    "share.host_help": "This computer's network address, with a port if it differs, e.g. 192.168.1.20:8501. It is not part of the link.",
    "share.bad_host": "“{host}” is not an address: enter a host name or IP address, optionally with a port (:8501).",
    "share.scan": "Scan with a phone camera to open this setup.",
    "share.large": "Large QR code for the projector",
    "share.dialog_title": "Scan to open this setup",
    "share.dialog_caption": "Point your phone's camera at the code, or type the link below.",
}
