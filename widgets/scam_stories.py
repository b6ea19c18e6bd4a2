"""The scam stories a `ScamPhone` can play, as data (scene graphs checked by
`naikkelas.widgets.safety.story_problems`).

Every ending's id is the simulator's outcome when the story is played alone. The scams and the
safe actions follow the *Digital safety* section of FACTS.md: an .apk file in a chat (wedding
invitation, parcel receipt) can read SMS including bank OTPs, so apps come only from the official
store; an OTP is never shared, not with people claiming to be bank, courier or marketplace staff;
a KTP photo or NIK is not handed out. Banks, shops and addresses are fictional ("Bank Contoh",
"Pasar Contoh", ``.example``); no real phone number appears.
"""

from __future__ import annotations

from .safety import Choice, Ending, Scene, Story

UNKNOWN = "Nomor tidak dikenal"
CARD_NUMBER = "Kalau cemas soal rekening, telepon bank lewat nomor resmi di kartu bank Anda."
STORE_ONLY = "Pasang aplikasi hanya dari toko aplikasi resmi di HP, bukan dari chat atau tautan."
APK_READS_SMS = (
    "Tidak ada yang muncul. Diam-diam aplikasi itu membaca SMS Anda, termasuk kode OTP dari bank. "
    "Dengan kode itu penjahat bisa masuk ke rekening Anda."
)


def _install(app: str, yes: str, no: str) -> Scene:
    return Scene(
        "install",
        app,
        ("Aplikasi ini meminta izin:", "Membaca dan mengirim SMS"),
        (Choice("Pasang", yes), Choice("Batal", no)),
    )


OTP_CALL = Story(
    id="otp-call",
    title="Telepon dari “petugas bank”",
    notice="Panggilan masuk",
    start="ring",
    scenes={
        "ring": Scene(
            "call",
            UNKNOWN,
            (),  # no words yet: the phone is ringing
            (Choice("Angkat telepon", "talk"), Choice("Tolak panggilan", "otp-hung-up")),
        ),
        "talk": Scene(
            "call",
            UNKNOWN,
            (
                "Selamat pagi, Bu. Saya petugas Bank Contoh.",
                "Rekening Ibu akan diblokir hari ini.",
                "Supaya tidak diblokir, saya kirim kode lewat SMS. Tolong sebutkan kodenya.",
            ),
            (Choice("Tunggu SMS-nya", "sms"), Choice("Tutup telepon", "otp-hung-up")),
        ),
        "sms": Scene(
            "call",
            UNKNOWN,
            ("Kodenya sudah masuk, Bu? Cepat sebutkan, nanti rekening Ibu keburu diblokir.",),
            (
                Choice("Sebutkan kodenya", "otp-shared"),
                Choice("Tanya dulu nama petugasnya", "ask"),
                Choice("Tutup telepon, lalu telepon bank lewat nomor di kartu", "otp-called-bank"),
            ),
            sms=(
                "Bank Contoh",
                "Kode OTP Anda 482 913. JANGAN BERIKAN kode ini kepada siapa pun, "
                "termasuk petugas bank.",
            ),
        ),
        "ask": Scene(
            "call",
            UNKNOWN,
            ("Saya Budi dari kantor pusat, Bu. Ibu bisa percaya. Sebutkan kodenya sekarang.",),
            (Choice("Sebutkan kodenya", "otp-shared"), Choice("Tutup telepon", "otp-hung-up")),
        ),
        "otp-shared": Ending(
            False,
            "Penelepon itu penipu. Dengan kode itu ia masuk ke rekening Anda dan menguras "
            "uangnya. Nama “Budi” hanya karangan.",
            "Kode OTP tidak boleh diberikan kepada siapa pun, termasuk orang yang mengaku petugas "
            f"bank. Tutup teleponnya. {CARD_NUMBER}",
        ),
        "otp-hung-up": Ending(
            True,
            "Anda tidak melanjutkan telepon itu. Kode OTP tetap rahasia. Uang Anda aman.",
            f"Siapa pun yang meminta kode OTP patut dicurigai. {CARD_NUMBER}",
        ),
        "otp-called-bank": Ending(
            True,
            "Anda menutup telepon dan menelepon bank sendiri. Kode OTP tetap rahasia.",
            "Kode OTP tidak untuk siapa pun, termasuk petugas bank. Nomor resmi bank ada di "
            "kartu bank Anda, bukan dari penelepon.",
        ),
    },
)

PRIZE = Story(
    id="prize",
    title="Hadiah dari “Pasar Contoh Official”",
    notice="Selamat! Toko Anda menang undian",
    start="chat",
    scenes={
        "chat": Scene(
            "chat",
            "Pasar Contoh Official",
            (
                "Selamat! Toko Anda terpilih sebagai pemenang undian Pasar Contoh.",
                "Hadiahnya Rp5.000.000. Klaim hari ini juga lewat tautan ini.",
            ),
            (
                Choice("Buka tautannya", "page"),
                Choice("Periksa di aplikasi Pasar Contoh yang resmi", "prize-checked-app"),
                Choice("Abaikan dan blokir akun ini", "prize-ignored"),
            ),
            link=("Klaim Hadiah Pasar Contoh", "pasarcontoh-hadiah.example/klaim"),
        ),
        "page": Scene(
            "web",
            "http://pasarcontoh-hadiah.example/klaim",
            (
                "KLAIM HADIAH",
                "Masuk dengan nomor HP dan kata sandi akun toko Anda untuk mencairkan hadiah.",
            ),
            (
                Choice("Isi nomor HP dan kata sandi", "code"),
                Choice("Tutup halaman ini", "prize-closed"),
            ),
        ),
        "code": Scene(
            "chat",
            "Pasar Contoh Official",
            (
                "Terima kasih. Kami kirim kode lewat SMS.",
                "Kirim kodenya ke chat ini supaya hadiah cair.",
            ),
            (
                Choice("Kirim kodenya", "prize-otp-shared"),
                Choice("Jangan kirim. Ganti kata sandi di aplikasi resmi", "prize-password-given"),
            ),
            sms=(
                "Pasar Contoh",
                "Kode OTP 730 518 untuk masuk ke akun Anda. JANGAN BERIKAN kode ini kepada "
                "siapa pun, termasuk petugas Pasar Contoh.",
            ),
        ),
        "prize-otp-shared": Ending(
            False,
            "Tidak ada hadiah. Penipu memakai kata sandi dan kode itu untuk masuk ke akun toko "
            "Anda. Sekarang akun itu dikuasai penipu.",
            "Kode OTP tidak boleh diberikan kepada siapa pun, termasuk yang mengaku petugas "
            "marketplace. Kabar hadiah diperiksa di aplikasi resmi, bukan lewat tautan di chat.",
        ),
        "prize-password-given": Ending(
            False,
            "Bagus, kode OTP tidak Anda kirim. Tetapi kata sandi sudah Anda ketik di halaman "
            "palsu, jadi penipu tahu kata sandi itu. Untung Anda segera menggantinya.",
            "Jangan mengetik kata sandi di halaman dari tautan chat. Kabar hadiah diperiksa di "
            "aplikasi resmi.",
        ),
        "prize-checked-app": Ending(
            True,
            "Di aplikasi resmi tidak ada kabar hadiah. Pesan tadi palsu. Akun Anda aman.",
            "Kabar hadiah selalu diperiksa di aplikasi resmi. Akun bernama “Official” di chat "
            "bisa dibuat siapa saja.",
        ),
        "prize-ignored": Ending(
            True,
            "Anda tidak membuka tautan itu. Akun dan kata sandi Anda aman.",
            "Janji hadiah dan desakan “hari ini juga” adalah tanda penipuan. Abaikan saja.",
        ),
        "prize-closed": Ending(
            True,
            "Anda menutup halaman tanpa mengisi apa pun. Akun Anda aman.",
            "Halaman dari tautan chat bisa tiruan. Jangan isi kata sandi, PIN, atau kode OTP "
            "di sana.",
        ),
    },
)

APK = Story(
    id="apk",
    title="Undangan pernikahan",
    notice="Undangan pernikahan anak kami",
    start="chat",
    scenes={
        "chat": Scene(
            "chat",
            UNKNOWN,
            (
                "Assalamualaikum. Ini undangan pernikahan anak kami.",
                "Mohon dibuka ya. Terima kasih.",
            ),
            (
                Choice("Buka filenya", "install"),
                Choice("Tanya dulu: ini siapa?", "who"),
                Choice("Hapus pesan dan blokir nomor ini", "apk-deleted"),
            ),
            file="Undangan_Pernikahan.apk",
        ),
        "who": Scene(
            "chat",
            UNKNOWN,
            ("Saya teman lama Anda. Buka saja, isinya foto dan alamat acara.",),
            (Choice("Buka filenya", "install"), Choice("Hapus dan blokir", "apk-deleted")),
            file="Undangan_Pernikahan.apk",
        ),
        "install": _install("Undangan", "apk-installed", "apk-cancelled"),
        "apk-installed": Ending(
            False,
            APK_READS_SMS,
            "Undangan asli berupa foto atau dokumen, bukan file .apk. " + STORE_ONLY,
        ),
        "apk-deleted": Ending(
            True,
            "Anda tidak membuka file itu. Tidak ada yang terpasang. HP Anda aman.",
            "File yang namanya berakhiran .apk memasang aplikasi. " + STORE_ONLY,
        ),
        "apk-cancelled": Ending(
            True,
            "Anda batal memasang. Tidak ada yang terpasang. Hapus file itu dari chat.",
            "Undangan tidak perlu dipasang seperti aplikasi. " + STORE_ONLY,
        ),
    },
)

COURIER_LINK = Story(
    id="courier-link",
    title="Kurir: lacak paket",
    notice="Paket Anda tertahan",
    start="chat",
    scenes={
        "chat": Scene(
            "chat",
            UNKNOWN,
            (
                "Kurir Paket: Paket Anda tertahan karena alamat kurang lengkap.",
                "Lacak paket dan perbaiki alamat di sini.",
            ),
            (
                Choice("Buka tautannya", "page"),
                Choice("Cek pesanan di aplikasi tempat Anda belanja", "courier-checked"),
                Choice("Hapus pesan ini", "courier-deleted"),
            ),
            link=("Lacak Paket - cek resi", "lacak-paket-kurir.example/resi"),
        ),
        "page": Scene(
            "web",
            "http://lacak-paket-kurir.example/resi",
            (
                "LACAK PAKET",
                "Untuk melihat paket, pasang dulu aplikasi Resi Paket.",
            ),
            (
                Choice("Unduh Resi_Paket.apk", "install"),
                Choice("Tutup halaman ini", "courier-closed"),
            ),
        ),
        "install": _install("Resi Paket", "courier-installed", "courier-closed"),
        "courier-installed": Ending(
            False,
            APK_READS_SMS,
            "“Resi paket” tidak perlu dipasang seperti aplikasi. " + STORE_ONLY,
        ),
        "courier-checked": Ending(
            True,
            "Di aplikasi tempat Anda belanja, paketnya sedang dikirim seperti biasa. "
            "Pesan tadi palsu.",
            "Cek paket di aplikasi tempat Anda belanja, bukan lewat tautan dari nomor asing.",
        ),
        "courier-deleted": Ending(
            True,
            "Anda tidak membuka tautan itu. HP Anda aman.",
            "Pesan “paket tertahan” dari nomor asing sering berisi jebakan. " + STORE_ONLY,
        ),
        "courier-closed": Ending(
            True,
            "Anda tidak memasang apa pun. HP Anda aman.",
            "Situs yang menyuruh memasang file .apk patut dicurigai. " + STORE_ONLY,
        ),
    },
)

LOAN = Story(
    id="loan",
    title="Tawaran pinjaman cepat",
    notice="Butuh modal usaha? Cair 10 menit",
    start="chat",
    scenes={
        "chat": Scene(
            "chat",
            "Pinjaman Cepat",
            (
                "Butuh modal usaha? Pinjaman Rp10.000.000 cair dalam 10 menit, tanpa jaminan.",
                "Pasang aplikasinya lewat file ini.",
            ),
            (
                Choice("Pasang aplikasinya", "install"),
                Choice("Tanya syaratnya", "terms"),
                Choice("Abaikan dan blokir nomor ini", "loan-ignored"),
            ),
            file="Pinjaman_Cepat.apk",
        ),
        "terms": Scene(
            "chat",
            "Pinjaman Cepat",
            (
                "Syaratnya mudah. Kirim foto KTP Anda ke chat ini.",
                "Lalu pasang aplikasinya. Uang langsung cair.",
            ),
            (
                Choice("Kirim foto KTP", "loan-ktp-sent"),
                Choice("Pasang aplikasinya", "install"),
                Choice("Tolak dan blokir nomor ini", "loan-ignored"),
            ),
            file="Pinjaman_Cepat.apk",
        ),
        "install": _install("Pinjaman Cepat", "loan-installed", "loan-ignored"),
        "loan-installed": Ending(
            False,
            "Uang pinjaman tidak pernah datang. " + APK_READS_SMS,
            "Tawaran uang cepat lewat chat adalah pancingan. " + STORE_ONLY,
        ),
        "loan-ktp-sent": Ending(
            False,
            "Foto KTP dan NIK Anda kini dipegang orang yang tidak jelas. Foto itu bisa "
            "disalahgunakan atas nama Anda.",
            "Jangan kirim foto KTP atau NIK kepada orang yang tidak Anda kenal. " + STORE_ONLY,
        ),
        "loan-ignored": Ending(
            True,
            "Anda tidak memasang apa pun dan tidak mengirim data. HP dan data Anda aman.",
            "Butuh modal? Tanyakan langsung ke bank Anda sendiri, bukan lewat tawaran di chat.",
        ),
    },
)

STORIES: dict[str, Story] = {s.id: s for s in (OTP_CALL, PRIZE, APK, COURIER_LINK, LOAN)}
