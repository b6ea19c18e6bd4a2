"""Draw the demo course's pictures (no third-party screenshots): a payment confirmation screen.

Usage: python tools/draw_demo_images.py  (writes courses/mengenal-naikkelas/gambar/*.png)
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parent.parent / "courses" / "mengenal-naikkelas" / "gambar"
W, H = 360, 720  # aspect 2.0, as ImageRegion expects by default


def font(size):
    for name in ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def payment_screen() -> Image.Image:
    img = Image.new("RGB", (W, H), "#ffffff")
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, W, 60], fill="#1d3557")
    d.text((16, 18), "Aplikasi Bank (latihan)", fill="white", font=font(20))
    d.text((16, 90), "Konfirmasi pembayaran", fill="#1b1b1b", font=font(22))
    # merchant name bar: rows 2 of 6 -> y 120..240 in a 6-row grid
    d.rounded_rectangle(
        [16, 130, W - 16, 230], radius=12, fill="#e8f1fb", outline="#1d5fa3", width=3
    )
    d.text((32, 145), "Nama toko", fill="#3d4a43", font=font(16))
    d.text((32, 175), "WARUNG BU SARI", fill="#0b2540", font=font(24))
    d.text((32, 260), "Nominal", fill="#3d4a43", font=font(16))
    d.text((32, 285), "Rp25.000", fill="#1b1b1b", font=font(30))
    d.text((32, 360), "Kota: TARAKAN", fill="#1b1b1b", font=font(18))
    d.rounded_rectangle([16, 600, W - 16, 680], radius=14, fill="#0b5d3b")
    d.text((W // 2 - 40, 625), "BAYAR", fill="white", font=font(26))
    return img


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    payment_screen().save(OUT / "layar-bayar.png", optimize=True)
    print(f"wrote {OUT / 'layar-bayar.png'}")
