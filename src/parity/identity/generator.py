"""A labelled synthetic register: people, their families, and the corrupted records they leave over time.

No real personal data. Names are common names of the groups most represented among small-boat arrivals, each
with the spellings different clerks actually produce; people are drawn with skewed (Zipf-like) name frequencies
so that unrelated namesakes occur, and in families so that relatives share names and date-of-birth patterns.
Each person's later records are corrupted the way registers corrupt them: other transliterations, given and
family names swapped, an Ethiopic or Sudanese name split in a different place, typing errors, a date of birth
missing or reduced to a 1 January placeholder, a new document, a biometric taken or not.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from parity.identity.records import IdentityRecord

# Each entry lists one name's spellings; the first is the most common.
Name = tuple[str, ...]


def _names(text: str) -> tuple[Name, ...]:
    return tuple(tuple(variant.strip() for variant in entry.split("/")) for entry in text.split(";") if entry.strip())


@dataclass(frozen=True)
class NamePool:
    male: tuple[Name, ...]
    female: tuple[Name, ...]
    family: tuple[Name, ...]
    # Patronymic groups have no family name: a person is "own name, father's name, grandfather's name".
    patronymic: bool = False
    # Vietnamese names carry a gendered middle name and are written family name first.
    middle_male: tuple[Name, ...] = ()
    middle_female: tuple[Name, ...] = ()


_POOLS: dict[str, NamePool] = {
    "ERI": NamePool(
        male=_names(
            "Tesfay/Tesfaye/Tesfai; Yonas/Yonass/Younas; Dawit/Davit/Dawitt; Gebremedhin/Ghebremedhin/Gebre Medhin;"
            "Haile/Hayle/Hailé; Berhane/Birhane/Berhan; Mehari/Mehary; Kidane/Kidan; Tekle/Teklay; Yohannes/Yohanes;"
            "Amanuel/Emmanuel/Amanual; Filmon/Filemon/Philemon; Habtom/Habtem; Tsegay/Tsegai/Tsegaye;"
            "Ghirmay/Girmay/Germay; Abraham/Abreham/Abrham; Mussie/Musie; Goitom/Goytom; Zerai/Zeray;"
            "Woldemichael/Wolde Michael/W/Michael; Tewelde/Teweldé; Mebrahtu/Mebrahtom; Semere/Semre; Efrem/Ephrem;"
            "Kibrom/Kebrom; Natnael/Natnail; Eyob/Iyob; Henok/Henock; Robel/Rubel; Merhawi/Merhawy;"
            "Asmerom/Asmerum; Bereket/Bereketab; Biniam/Biniyam; Daniel/Danel; Ermias/Ermyas; Fitsum/Fitsium;"
            "Gebrehiwet/Gebre Hiwet/Ghebrehiwet; Hagos/Hagoss; Isaias/Isayas; Kesete/Kisete; Medhanie/Medhane;"
            "Mengis/Mengist; Michael/Mikael; Mulugeta/Mulugheta; Negassi/Negasi; Okbay/Okbai; Petros/Petrus;"
            "Sirak/Siraq; Solomon/Solomun; Teklehaimanot/Tekle Haimanot; Tedros/Tewodros; Welday/Weldai;"
            "Yemane/Yemani; Zekarias/Zacharias; Awet/Aweet; Berhe/Birhe; Fessehaye/Fesehaye; Girmai/Ghirmai;"
            "Habtemariam/Habte Mariam; Kahsay/Kahsai; Luel/Lul; Mehreteab/Mehretab; Nahom/Nahum; Simon/Simion"
        ),
        female=_names(
            "Senait/Senayt; Helen/Hellen; Ruta/Rutha; Winta/Wintana; Selam/Salam; Saba/Sabah; Yordanos/Yordanus;"
            "Mebrat/Mibrat; Feven/Fiven; Hiwet/Hiwot; Lidia/Lydia; Tsega/Tsigé; Almaz/Almas; Meron/Miron;"
            "Abeba/Abebba; Aster/Astér; Beti/Betty; Delina/Dellina; Eden/Edén; Elsa/Elssa; Freweini/Frewoini;"
            "Hanna/Hana; Kidist/Kiddist; Luwam/Luam; Milen/Millen; Nebiat/Nebyat; Rahel/Rachel; Semhar/Semhal;"
            "Tirhas/Terhas; Yodit/Yodith; Zewdi/Zawdi; Adiam/Adyam; Eyerus/Iyerus; Salina/Selina"
        ),
        family=(),
        patronymic=True,
    ),
    "SDN": NamePool(
        male=_names(
            "Mohamed/Mohammed/Muhammad/Mohamad; Ahmed/Ahmad; Abdelrahman/Abdel Rahman/Abd al-Rahman/Abdulrahman;"
            "Osman/Othman/Usman; Ibrahim/Ebrahim; Yousif/Yusuf/Youssef; Adam/Adem; Abubakar/Abu Bakr/Aboubakar;"
            "Mustafa/Mostafa; Elsadig/El-Sadig/Al Sadiq; Hamza/Hamzah; Ismail/Esmail; Idris/Idrees; Omer/Omar/Umar;"
            "Salih/Saleh; Khalid/Khaled; Babiker/Babikir; Eltayeb/El Tayeb/Al-Tayyib; Abdalla/Abdallah/Abdullah;"
            "Hassan/Hasan; Hussein/Husain; Suleiman/Sulaiman; Ishag/Ishaq; Musa/Mousa; Yahya/Yehia; Elfatih/Al-Fatih;"
            "Abdelaziz/Abdel Aziz/Abdulaziz; Abdelmoneim/Abdel Moneim; Alamin/Al-Amin/El Amin; Anwar/Anour;"
            "Awad/Awadh; Bashir/Basheer; Dafalla/Dafallah; Elnour/El Nour/Al-Nur; Fadl/Fadul; Gamal/Jamal;"
            "Haroun/Harun; Hamid/Hamed; Jaafar/Jafar; Kamal/Kamaal; Mahjoub/Mahgoub; Mubarak/Mbarak;"
            "Nasreldin/Nasr Eldin/Nasr al-Din; Osama/Usama; Rabie/Rabea; Siddig/Siddiq/Sediq; Tarig/Tariq;"
            "Waleed/Walid; Zakaria/Zakariya; Abdelwahab/Abdel Wahab; Elhadi/El-Hadi/Al Hadi; Issa/Eissa"
        ),
        female=_names(
            "Fatima/Fatma; Amna/Amina; Hawa/Hawwa; Mariam/Maryam; Khadija/Khadiga; Zainab/Zeinab; Aisha/Aysha;"
            "Safaa/Safa; Samira/Sameera; Huda/Hoda; Asia/Asya; Hanan/Hannan; Ikhlas/Ekhlas; Iman/Eman;"
            "Nafisa/Nafeesa; Rehab/Rihab; Salma/Selma; Sara/Sarah; Suad/Souad; Widad/Wedad; Nawal/Newal"
        ),
        family=(),
        patronymic=True,
    ),
    "AFG": NamePool(
        male=_names(
            "Mohammad/Muhammad/Mohammed/Mohamad; Ahmad/Ahmed; Abdul Rahman/Abdulrahman/Abdurrahman; Abdullah/Abdallah;"
            "Hamid/Hameed; Khalid/Khaled; Naveed/Navid; Sayed/Sayyed/Said; Ali; Hassan/Hasan; Hussain/Hussein/Hosain;"
            "Jawad/Javad; Samiullah/Sami Ullah; Rahmatullah/Rahmat Ullah; Noor/Nur; Zabihullah/Zabiullah; Gul/Gol;"
            "Wahid/Waheed; Bilal/Belal; Farid/Fareed; Nasir/Naser; Mujtaba/Mojtaba; Shafiq/Shafeeq; Idris/Idrees;"
            "Ajmal/Ajmaal; Asadullah/Asad Ullah; Baryalai/Baryalay; Daud/Dawood/Dawud; Ezatullah/Izzatullah;"
            "Fawad/Fawaad; Ghulam/Gholam; Habib/Habeeb; Hekmatullah/Hikmatullah; Imran/Emran; Jamshid/Jamsheed;"
            "Karim/Kareem; Khan; Mansoor/Mansur; Mirwais/Mir Wais; Mustafa/Mostafa; Najib/Najeeb;"
            "Obaidullah/Ubaidullah;"
            "Qasim/Qasem/Kasim; Rafi/Rafiullah; Sharif/Shareef; Sohail/Suhail; Tariq/Tareq; Wali/Waly;"
            "Yama/Yamah; Zabiullah Khan; Zalmai/Zalmay; Shir/Sher; Nazir/Nazeer; Aziz/Azeez; Hamidullah/Hamid Ullah"
        ),
        female=_names(
            "Fatima/Fatema; Zahra/Zahrah; Maryam/Mariam; Parwana/Parvana; Shabnam/Shabnum; Freshta/Fereshta;"
            "Farzana/Farzanah; Gulalai/Gulalay; Hasina/Haseena; Khadija/Khadeeja; Laila/Leila; Malalai/Malalay;"
            "Nargis/Narges; Roya/Roia; Sadia/Saadia; Tahmina/Tahmeena; Wahida/Waheeda; Zarghona/Zarghuna"
        ),
        family=_names(
            "Ahmadi/Ahmady; Rahimi/Rahimy; Karimi/Kareemi; Hakimi/Hakeemi; Safi/Saafi; Stanikzai/Stanekzai; Popal;"
            "Amiri/Ameeri; Sultani/Soltani; Hotak/Hotaki; Noori/Nuri; Mohammadi/Mohamadi; Hussaini/Husseini;"
            "Sadat/Saadat; Nazari/Nazary; Haidari/Haydari; Jalali/Djalali; Rezai/Rezaei/Rezaee; Wardak/Vardak;"
            "Yusufzai/Yousafzai; Niazi/Nyazi; Sharifi/Cherifi; Azizi/Azizy; Qaderi/Kaderi/Ghaderi;"
            "Achakzai/Achekzai; Afridi/Afreedi; Alokozai/Alikozai; Barakzai/Barekzai; Durrani/Durani; Ghani/Ghanee;"
            "Habibi/Habeebi; Jawadi/Javadi; Kakar/Kakkar; Khpalwak; Mangal/Mangel; Mohmand/Momand; Naseri/Nasiri;"
            "Omari/Umari; Popalzai/Popalzay; Qaderzada/Kaderzada; Rasuli/Rasooli; Sahak/Sahaq; Samadi/Samady;"
            "Shinwari/Shinwary; Tanai/Tanay; Usmani/Osmani; Wafa/Wafaa; Zazai/Zazay; Zadran/Zadrani; Mujadidi/Mojadidi;"
            "Faizi/Faizy; Hashimi/Hashemi; Latifi/Latify; Mirzai/Mirzaei; Nabizada/Nabizadeh; Sediqi/Siddiqi"
        ),
    ),
    "IRN": NamePool(
        male=_names(
            "Reza; Mohammad Reza/Mohammadreza/Mohamad Reza; Ali; Amir/Ameer; Hossein/Hosein/Hussein; Mehdi/Mahdi;"
            "Saeed/Said/Sa'id; Hamid/Hameed; Javad/Jawad; Ehsan/Ehsaan; Milad; Arash; Babak; Behnam/Behnaam;"
            "Farhad; Omid/Oumid; Pouya/Puya; Sina; Kourosh/Kurosh; Peyman/Payman; Hamed/Hamid Reza; Navid/Naveed;"
            "Abbas/Abas; Afshin/Afsheen; Alireza/Ali Reza; Amin/Ameen; Bahram/Behram; Dariush/Daryoush/Darius;"
            "Ebrahim/Ibrahim; Farshid/Farsheed; Hadi/Haadi; Iman/Eman; Kamran/Kamraan; Majid/Majeed;"
            "Masoud/Masud/Massoud; Mohsen/Mohsin; Morteza/Mortaza; Nima/Neema; Parviz/Parvez; Rasoul/Rasul;"
            "Shahab/Shehab; Siamak/Siyamak; Vahid/Wahid; Yousef/Yusef; Amirhossein/Amir Hossein; Mostafa/Mustafa"
        ),
        female=_names(
            "Zahra/Zahrah; Fatemeh/Fatima; Maryam/Mariam; Narges/Nargess; Shirin/Shireen; Leila/Layla;"
            "Azadeh/Azade; Elham/Elhaam; Fereshteh/Fereshte; Golnaz/Golnaaz; Mahsa/Mahsaa; Mina/Meena;"
            "Nasrin/Nasreen; Parisa/Pareesa; Roya/Roia; Sara/Sarah; Somayeh/Somaye; Zeinab/Zeynab"
        ),
        family=_names(
            "Ahmadi/Ahmady; Mohammadi/Mohamadi; Hosseini/Husseini/Hoseini; Rezaei/Rezaee/Rezai; Moradi/Muradi;"
            "Karimi/Kareemi; Jafari/Ja'fari/Jaafari; Rahimi; Hashemi/Hashimi; Ghasemi/Qasemi/Ghassemi;"
            "Kazemi/Kazimi; Sadeghi/Sadeqi; Heidari/Haidari/Heydari; Najafi; Abbasi/Abasi; Nouri/Noori;"
            "Ebrahimi/Ibrahimi; Soleimani/Sulaimani/Soleymani; Tehrani; Khosravi/Khusravi; Mousavi/Musavi/Moosavi;"
            "Akbari/Akbary; Amini/Ameeni; Asadi/Assadi; Bagheri/Baqeri; Esmaeili/Ismaili; Fallahi/Falahi;"
            "Ghorbani/Qorbani; Jalali/Djalali; Kamali/Kamaly; Mahmoudi/Mahmudi; Nazari/Nazary; Rostami/Rustami;"
            "Sadeghpour/Sadeqpour; Shahbazi/Shahbazy; Taheri/Tahery; Yazdani/Yazdany; Zare/Zarei/Zarea; Dehghan/Dehqan"
        ),
    ),
    "IRQ": NamePool(
        male=_names(
            "Karwan/Karwaan; Rebwar/Rebuar; Hawre/Hawree; Shwan/Shuan; Soran; Dler/Diler; Aram; Sherwan/Shirwan;"
            "Hemin/Hemn; Kawa/Kawe; Bakhtiyar/Bakhtiar/Baxtiyar; Ahmed/Ahmad; Mohammed/Muhammad; Zana; Ranj;"
            "Bryar/Beryar; Rawand; Hiwa/Hewa; Sarkawt/Sarkaut; Azad/Asad; Alan/Alaan; Ari/Arry; Bawan/Bawaan;"
            "Chiya/Chya; Darya/Dariya; Goran/Gorran; Hardi/Hardy; Harem/Haram; Karzan/Karzaan; Lawand/Lawend;"
            "Mariwan/Meriwan; Nabaz/Nebaz; Peshawa/Peshewa; Rekar/Rekaar; Sardar/Serdar; Shakar/Shaker;"
            "Shorsh/Shoresh; Yad/Yaad; Zirak/Zerak; Kamaran/Kamaraan; Hoshyar/Hoshiar; Nechirvan/Nechirwan"
        ),
        female=_names(
            "Shilan/Shelan; Zhino/Jino/Zhinu; Nazdar/Nazdaar; Rozhan/Rojan; Tara/Tarah; Gulala/Golala;"
            "Awaz/Avaz; Berivan/Bervan; Dilan/Delan; Helin/Heleen; Kazhal/Kajal; Nasrin/Nasreen; Sazan/Sazaan;"
            "Shler/Shiler"
        ),
        family=_names(
            "Abdullah/Abdulla/Abd Allah; Ahmed/Ahmad; Mohammed/Muhammad; Rasul/Rasool; Qadir/Kadir/Qader; Aziz/Azeez;"
            "Karim/Kareem; Mahmoud/Mahmud; Omar/Omer; Salih/Saleh; Hama/Hamah; Faraj/Farag; Sabir/Saber;"
            "Jalal/Celal; Mustafa/Mistefa; Hussein/Husen; Othman/Osman; Rashid/Rasheed; Amin/Emin; Baban/Babaan;"
            "Barzani/Barzany; Hawrami/Hewrami; Ismail/Esmail; Jaf/Jaff; Khoshnaw/Xoshnaw; Majid/Majeed;"
            "Muhsin/Mohsin; Nuri/Noori; Qasim/Kasim; Rahim/Raheem; Sharif/Shareef; Talabani/Talebani; Zangana/Zengene;"
            "Bakir/Baqir; Hasan/Hassan; Sulaiman/Silêman; Tofiq/Tawfiq; Wahab/Wahhab; Yasin/Yaseen"
        ),
    ),
    "SYR": NamePool(
        male=_names(
            "Mohammad/Mohamad/Muhammad; Ahmad/Ahmed; Khaled/Khalid; Omar/Omer; Ali; Hasan/Hassan; Mahmoud/Mahmud;"
            "Abdulkarim/Abdel Karim/Abd al-Karim; Yaser/Yasser/Yasir; Bashar; Rami/Ramy; Ammar/Amar; Firas/Feras;"
            "Hussam/Husam; Wael/Wa'il; Mazen/Mazin; Samer/Samir; Anas/Anass; Bilal/Belal; Fadi/Fady; Ghassan/Ghasan;"
            "Hamza/Hamzeh; Ibrahim/Ebrahim; Jihad/Jehad; Karim/Kareem; Louay/Loay; Majd/Majed; Nabil/Nabeel;"
            "Obaida/Ubaida; Qusai/Qusay; Rabea/Rabie; Tarek/Tariq; Yousef/Youssef/Yusuf; Zaid/Zayd; Moaz/Muaz"
        ),
        female=_names(
            "Rasha/Racha; Hala/Halah; Nour/Noor; Lina/Leena; Aya/Ayah; Rana/Ranah; Dima/Deema; Amal/Amaal;"
            "Bushra/Boushra; Dalia/Dalya; Ghada/Ghadah; Hiba/Heba; Manal/Manaal; Razan/Razaan; Reem/Rim; Yara/Yarah"
        ),
        family=_names(
            "Al-Ali/Alali/El Ali; Al-Hassan/Alhasan/El-Hassan; Al-Ahmad/Alahmad; Khalil/Khaleel; Haddad/Hadad;"
            "Al-Khatib/Alkhateeb/El Khatib; Darwish/Darwiche; Hamdan/Hamdane; Al-Masri/Almasri/El Masri;"
            "Shaikh/Sheikh/Cheikh; Al-Halabi/Halabi; Kurdi/Kurdy; Al-Sayed/Elsayed/As-Sayyid;"
            "Abu Zaid/Abuzaid/Abou Zeid;"
            "Mansour/Mansur; Suleiman/Sleiman; Al-Omar/Alomar/El Omar; Al-Hamwi/Hamwi; Al-Shami/Alshami/Chami;"
            "Al-Zoubi/Alzoubi/Zoabi; Bakour/Bakkour; Dabbagh/Dabagh; Fares/Faris; Ghanem/Ghanim; Hijazi/Hegazi;"
            "Idlibi/Al-Idlibi; Jaber/Jabr; Kassab/Qassab; Mahmoud/Mahmud; Najjar/Najar; Othman/Osman; Qassem/Kassem;"
            "Rifai/Al-Rifai/Rifaie; Saleh/Salih; Tahan/Tahhan; Yassin/Yasin; Zein/Zain; Homsi/Al-Homsi; Attar/Al-Attar"
        ),
    ),
    "VNM": NamePool(
        male=_names(
            "Anh; Bình/Binh; Cường/Cuong; Dũng/Dung; Hải/Hai; Hùng/Hung; Huy; Khánh/Khanh; Long; Nam; Phong;"
            "Quân/Quan; Sơn/Son; Thắng/Thang; Tuấn/Tuan; Việt/Viet; Đạt/Dat; Hiếu/Hieu; Bảo/Bao; Công/Cong;"
            "Duy; Giang; Hào/Hao; Hoàng/Hoang; Khoa; Kiên/Kien; Lâm/Lam; Lộc/Loc; Mạnh/Manh; Nghĩa/Nghia;"
            "Phúc/Phuc; Quý/Quy; Tài/Tai; Thành/Thanh; Thiện/Thien; Toàn/Toan; Trí/Tri; Trung; Vinh; Vũ/Vu"
        ),
        female=_names(
            "Hoa; Lan; Linh; Mai; Ngọc/Ngoc; Thảo/Thao; Trang; Hương/Huong; Hạnh/Hanh; Nhung; Anh; Chi; Dung;"
            "Hằng/Hang; Hiền/Hien; Huyền/Huyen; Loan; Nga; Nhi; Phương/Phuong; Quỳnh/Quynh; Tâm/Tam; Thủy/Thuy;"
            "Vân/Van; Yến/Yen"
        ),
        family=_names(
            "Nguyễn/Nguyen; Trần/Tran; Lê/Le; Phạm/Pham; Hoàng/Hoang; Huỳnh/Huynh; Vũ/Vu; Võ/Vo; Đặng/Dang; Bùi/Bui;"
            "Đỗ/Do; Ngô/Ngo; Dương/Duong; Lý/Ly; Đinh/Dinh; Đào/Dao; Trịnh/Trinh; Mai; Trương/Truong; Phan;"
            "Lâm/Lam; Hồ/Ho; Tạ/Ta; Lương/Luong; Cao; Chu; Châu/Chau; Đoàn/Doan; Lưu/Luu; Tô/To; Quách/Quach"
        ),
        middle_male=_names("Văn/Van; Đức/Duc; Minh; Quang; Hữu/Huu; Công/Cong; Thanh; Xuân/Xuan"),
        middle_female=_names("Thị/Thi; Ngọc/Ngoc; Thu; Thanh; Kim; Hồng/Hong"),
    ),
}

# Share of each group, roughly the 2024-25 small-boat arrival mix (brief §7).
NATIONALITY_WEIGHTS: dict[str, float] = {
    "ERI": 0.22,
    "AFG": 0.17,
    "SDN": 0.14,
    "IRN": 0.12,
    "IRQ": 0.12,
    "SYR": 0.10,
    "VNM": 0.13,
}
# Plausible confusions when a clerk records the wrong nationality.
_NEIGHBOURING_NATIONALITY = {
    "ERI": "ETH",
    "AFG": "PAK",
    "SDN": "SSD",
    "IRN": "AFG",
    "IRQ": "IRN",
    "SYR": "IRQ",
    "VNM": "CHN",
}
_UNKNOWN_NATIONALITY_CODE = "ZZZ"


@dataclass(frozen=True)
class CorruptionRates:
    """Per-record probabilities of each way a record departs from the person's true details."""

    other_spelling: float = 0.45
    swapped_order: float = 0.12
    typo: float = 0.12
    dob_missing: float = 0.10
    dob_to_placeholder: float = 0.10
    dob_typo: float = 0.04
    dob_day_month_swapped: float = 0.03
    placeholder_year_off_by_one: float = 0.10
    nationality_wrong: float = 0.03
    nationality_unknown_code: float = 0.02
    sex_missing: float = 0.03
    document_shown: float = 0.5
    new_document: float = 0.25
    biometric_taken: float = 0.5


@dataclass(frozen=True)
class SyntheticPerson:
    person_id: str
    nationality: str
    sex: str
    name_parts: tuple[Name, ...]
    date_of_birth: date
    dob_known_exactly: bool
    document_number: str
    biometric_id: str


@dataclass(frozen=True)
class LabelledRecord:
    record: IdentityRecord
    true_person_id: str


@dataclass
class _Generator:
    rng: random.Random
    rates: CorruptionRates
    _zipf_cache: dict[int, list[float]] = field(default_factory=dict)
    _next_person: int = 0
    _next_record: int = 0

    def pick(self, names: tuple[Name, ...]) -> Name:
        # Zipf-like weights: a few names are very common, which is what produces unrelated namesakes.
        weights = self._zipf_cache.setdefault(len(names), [1 / (rank + 1) ** 0.9 for rank in range(len(names))])
        return self.rng.choices(names, weights=weights)[0]

    def new_person(
        self, nationality: str, sex: str, name_parts: tuple[Name, ...], born: date, exact: bool
    ) -> SyntheticPerson:
        self._next_person += 1
        return SyntheticPerson(
            person_id=f"P{self._next_person:07d}",
            nationality=nationality,
            sex=sex,
            name_parts=name_parts,
            date_of_birth=born,
            dob_known_exactly=exact,
            document_number=self.document_number(),
            biometric_id=f"FP{self.rng.getrandbits(48):012x}",
        )

    def document_number(self) -> str:
        return f"{self.rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{self.rng.randrange(10**7, 10**8)}"

    def birth_date(self, year: int) -> tuple[date, bool]:
        """A birth date; about half of people only know their year, recorded as 1 January."""
        if self.rng.random() < 0.45:
            return date(year, 1, 1), False
        return date(year, 1, 1) + timedelta(days=self.rng.randrange(1, 365)), True

    def own_name(self, pool: NamePool, sex: str) -> Name:
        return self.pick(pool.male if sex == "M" else pool.female)

    def family(self, nationality: str) -> list[SyntheticPerson]:
        """One person, or a family: siblings sharing family (or father's) names and a birth-year pattern."""
        pool = _POOLS[nationality]
        size = self.rng.choices([1, 2, 3, 4], weights=[0.62, 0.18, 0.12, 0.08])[0]
        base_year = self.rng.randrange(1962, 2000)
        if pool.patronymic:
            shared: tuple[Name, ...] = (self.pick(pool.male), self.pick(pool.male))
        else:
            shared = (self.pick(pool.family),)
        members = []
        for index in range(size):
            sex = self.rng.choice("MF")
            own = self.own_name(pool, sex)
            if pool.middle_male:
                middle = self.pick(pool.middle_male if sex == "M" else pool.middle_female)
                parts = (*shared, middle, own)
            elif pool.patronymic:
                parts = (own, *shared)
            else:
                parts = (own, *shared)
            born, exact = self.birth_date(base_year + 2 * index)
            members.append(self.new_person(nationality, sex, parts, born, exact))
        return members

    def spelling(self, name: Name) -> str:
        if len(name) > 1 and self.rng.random() < self.rates.other_spelling:
            return self.rng.choice(name[1:])
        return name[0]

    def typo(self, text: str) -> str:
        letters = [i for i, ch in enumerate(text) if ch.isalpha()]
        if len(letters) < 4:
            return text
        i = self.rng.choice(letters[1:])
        operation = self.rng.choice(("drop", "double", "swap", "replace"))
        if operation == "drop":
            return text[:i] + text[i + 1 :]
        if operation == "double":
            return text[:i] + text[i] + text[i:]
        if operation == "swap" and i + 1 < len(text) and text[i + 1].isalpha():
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        return text[:i] + self.rng.choice("aeiounrstlm") + text[i + 1 :]

    def split_name(self, person: SyntheticPerson, spelt: list[str]) -> tuple[str, str]:
        pool = _POOLS[person.nationality]
        if pool.middle_male:
            family, middle, own = spelt
            # Written "Nguyen / Van Anh", or the middle name dropped.
            return (f"{middle} {own}" if self.rng.random() < 0.6 else own), family
        if pool.patronymic:
            # Own name always first; the father's and grandfather's names fall either side of the split,
            # and the grandfather's name is often left out.
            own, father, grandfather = spelt
            layout = self.rng.random()
            if layout < 0.4:
                return own, f"{father} {grandfather}"
            if layout < 0.7:
                return f"{own} {father}", grandfather
            return own, father
        own, family = spelt
        return own, family

    def date_of_birth(self, person: SyntheticPerson) -> date | None:
        rates, rng, born = self.rates, self.rng, person.date_of_birth
        roll = rng.random()
        if roll < rates.dob_missing:
            return None
        if not person.dob_known_exactly:
            if rng.random() < rates.placeholder_year_off_by_one:
                return date(born.year + rng.choice((-1, 1)), 1, 1)
            return born
        roll = rng.random()
        if roll < rates.dob_to_placeholder:
            return date(born.year, 1, 1)
        roll -= rates.dob_to_placeholder
        if roll < rates.dob_typo:
            return born + timedelta(days=rng.choice((-10, -1, 1, 10)))
        roll -= rates.dob_typo
        if roll < rates.dob_day_month_swapped and born.day <= 12:
            return date(born.year, born.day, born.month)
        return born

    def nationality(self, person: SyntheticPerson) -> str:
        roll = self.rng.random()
        if roll < self.rates.nationality_wrong:
            return _NEIGHBOURING_NATIONALITY[person.nationality]
        if roll < self.rates.nationality_wrong + self.rates.nationality_unknown_code:
            return _UNKNOWN_NATIONALITY_CODE
        return person.nationality

    def record(self, person: SyntheticPerson, document: str) -> LabelledRecord:
        rates, rng = self.rates, self.rng
        spelt = [self.spelling(part) for part in person.name_parts]
        if rng.random() < rates.typo:
            index = rng.randrange(len(spelt))
            spelt[index] = self.typo(spelt[index])
        given, family = self.split_name(person, spelt)
        if rng.random() < rates.swapped_order:
            given, family = family, given
        self._next_record += 1
        record = IdentityRecord(
            record_id=f"R{self._next_record:08d}",
            given_names=given,
            family_name=family,
            date_of_birth=self.date_of_birth(person),
            nationality=self.nationality(person),
            sex="" if rng.random() < rates.sex_missing else person.sex,
            document_number=document if rng.random() < rates.document_shown else None,
            biometric_id=person.biometric_id if rng.random() < rates.biometric_taken else None,
        )
        return LabelledRecord(record=record, true_person_id=person.person_id)

    def records_of(self, person: SyntheticPerson) -> list[LabelledRecord]:
        """First record plus later ones: a return, a re-crossing, an application, a family member's form."""
        count = self.rng.choices([1, 2, 3, 4, 5], weights=[0.35, 0.3, 0.2, 0.1, 0.05])[0]
        document = person.document_number
        records = []
        for _ in range(count):
            if self.rng.random() < self.rates.new_document:
                document = self.document_number()
            records.append(self.record(person, document))
        return records


def generate_records(record_count: int, seed: int, rates: CorruptionRates | None = None) -> list[LabelledRecord]:
    """About ``record_count`` labelled records (people are added until there are enough), shuffled."""
    # A seeded, reproducible generator of test data; nothing here is a secret.
    generator = _Generator(random.Random(seed), rates or CorruptionRates())  # noqa: S311
    nationalities = list(NATIONALITY_WEIGHTS)
    weights = list(NATIONALITY_WEIGHTS.values())
    records: list[LabelledRecord] = []
    while len(records) < record_count:
        for person in generator.family(generator.rng.choices(nationalities, weights=weights)[0]):
            records.extend(generator.records_of(person))
    records = records[:record_count]
    generator.rng.shuffle(records)
    return records


CSV_COLUMNS = (
    "record_id",
    "given_names",
    "family_name",
    "date_of_birth",
    "nationality",
    "sex",
    "true_person_id",
    "document_number",
    "biometric_id",
)


def write_labelled_csv(records: list[LabelledRecord], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for labelled in records:
            r = labelled.record
            writer.writerow(
                [
                    r.record_id,
                    r.given_names,
                    r.family_name,
                    r.date_of_birth.isoformat() if r.date_of_birth else "",
                    r.nationality,
                    r.sex,
                    labelled.true_person_id,
                    r.document_number or "",
                    r.biometric_id or "",
                ]
            )
