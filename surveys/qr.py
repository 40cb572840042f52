"""QR codes of survey links (segno): PNG for print and slides, SVG for scaling."""

import io

QR_KINDS = {"png": "image/png", "svg": "image/svg+xml"}


def qr_code(url: str, *, kind: str, scale: int = 8) -> bytes:
    """The QR code of `url` as PNG or SVG bytes (error correction M, quiet zone 4)."""
    import segno

    if kind not in QR_KINDS:
        raise ValueError(f"kind must be one of {sorted(QR_KINDS)}")
    out = io.BytesIO()
    code = segno.make(url, error="m", micro=False)
    if kind == "svg":
        code.save(out, kind="svg", scale=scale, border=4, title=url)
    else:
        code.save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
