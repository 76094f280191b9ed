"""Phrasings for the volunteered-statement tests, per lexicon language (templates × terms): what
residents say of themselves, threats they report, questions put to them, and the City's services.
Shared by ``test_volunteered_statements_every_language.py`` and ``statement_probes.py``."""

from __future__ import annotations

# -- what residents say of themselves (templates × terms) ------------------------------------------
DISCLOSE: dict[str, list[str]] = {
    "en": [t.format(x) for t in ("I am {}", "I'm {}", "We are {}") for x in ("undocumented", "a refugee",
                                                                                "an asylum seeker")]
          + ["I don't have papers", "I have TPS", "I have a green card", "My husband and I have no papers"],
    "es": [t.format(x) for t in ("Yo soy {}", "Estoy {}", "Somos {}") for x in ("indocumentado", "indocumentada",
                                                                                 "refugiado", "ilegal")]
          + ["No tengo papeles", "Tengo TPS", "Estoy sin papeles", "Mi esposo y yo estamos sin papeles"],
    "pt": [t.format(x) for t in ("Eu sou {}", "Estou {}") for x in ("indocumentado", "refugiado", "ilegal")]
          + ["Eu não tenho documentos", "Estou sem papéis", "Tenho TPS"],
    "ht": ["Mwen pa gen papye", "Mwen san papye", "Nou pa gen papye", "Mwen gen TPS", "Mwen se refijye"],
    "fr": ["Je suis sans papiers", "Je n'ai pas de papiers", "Nous sommes sans papiers", "Je suis réfugié",
           "Je suis en situation irrégulière"],
    "kea": ["N ka ten papel", "Mi N sta sen papel", "Nu ka ten papel", "N e refujiadu", "N ten TPS"],
    "vi": ["Tôi không có giấy tờ", "Chúng tôi không có giấy tờ", "Tôi là người nhập cư bất hợp pháp",
           "Tôi có thẻ xanh", "Tôi là người tị nạn"],
    "ar": ["ليس لدي أوراق", "أنا لاجئ", "أنا بدون أوراق", "أنا مقيم بشكل غير قانوني"],
    "ru": ["Я нелегал", "У меня нет документов", "Мы беженцы", "Я без документов", "У меня есть грин-карта"],
    "so": ["Aniga sharci darro ayaan ahay", "Waxaan ahay qaxooti", "Aniga ma haysto waraaqo",
           "Waxaan haystaa kaarka cagaaran"],
    "am": ["ሰነድ የለኝም", "እኔ ስደተኛ ነኝ", "ወረቀት የለኝም"],
    "bn": ["আমার কাগজপত্র নেই", "আমি শরণার্থী", "আমি অবৈধভাবে এখানে আছি", "আমাদের কাগজ নেই"],
    "ko": ["저는 서류가 없습니다", "저는 난민입니다", "우리는 불법 체류자입니다", "저는 영주권이 있습니다"],
    "zh": ["我没有身份", "我们没有身份", "我是难民", "我有绿卡"],
    "zh-Hant": ["我沒有身份", "我們沒有身份", "我是難民", "我有綠卡"],
}
# the rest of a complaint (nothing about status), before and after
CONTEXT: dict[str, tuple[str, str]] = {
    "en": ("My landlord has not fixed the heat for three weeks", "Please send an inspector"),
    "es": ("El dueño no ha arreglado la calefacción en tres semanas", "Por favor manden un inspector"),
    "pt": ("O proprietário não consertou o aquecimento há três semanas", "Por favor mandem um inspetor"),
    "ht": ("Pwopriyetè a pa ranje chofaj la depi twa semèn", "Tanpri voye yon enspektè"),
    "fr": ("Le propriétaire n'a pas réparé le chauffage depuis trois semaines", "Merci d'envoyer un inspecteur"),
    "kea": ("Donu di kaza ka konsertá akesimentu dja tres simana", "Pur favor manda un inspetor"),
    "vi": ("Chủ nhà chưa sửa máy sưởi ba tuần nay", "Xin hãy gửi thanh tra đến"),
    "ar": ("المالك لم يصلح التدفئة منذ ثلاثة أسابيع", "أرجو إرسال مفتش"),
    "ru": ("Хозяин квартиры три недели не чинит отопление", "Пожалуйста, пришлите инспектора"),
    "so": ("Milkiilaha gurigu ma hagaajin kuleyliyaha muddo saddex toddobaad ah", "Fadlan soo dir kormeere"),
    "am": ("አከራዩ ለሦስት ሳምንታት ማሞቂያውን አላስተካከለም", "እባክዎ ተቆጣጣሪ ይላኩ"),
    "bn": ("বাড়িওয়ালা তিন সপ্তাহ ধরে হিটার ঠিক করেনি", "দয়া করে একজন পরিদর্শক পাঠান"),
    "ko": ("집주인이 3주 동안 난방을 고치지 않았습니다", "검사관을 보내 주세요"),
    "zh": ("房东三个星期没有修暖气", "请派检查员来"),
    "zh-Hant": ("房東三個星期沒有修暖氣", "請派檢查員來"),
}
# a threat to report the person's status: the subject named, nobody's status disclosed
THREATS: dict[str, str] = {
    "en": "My landlord threatened to report my immigration status",
    "es": "El dueño amenazó con llamar a inmigración",
    "pt": "O proprietário ameaçou chamar a imigração",
    "ht": "Pwopriyetè a menase rele imigrasyon",
    "fr": "Mon propriétaire a menacé de signaler mon statut d'immigration",
    "kea": "Donu di kaza ameasa txoma imigrason",
    "vi": "Chủ nhà đe dọa báo cáo tình trạng nhập cư của tôi",
    "ru": "Хозяин угрожал сообщить о моём иммиграционном статусе",
    "so": "Milkiilaha ayaa ku hanjabay inuu soo wacayo socdaalka",
    "bn": "বাড়িওয়ালা অভিবাসন বিভাগে জানাবে বলে হুমকি দিয়েছে",
    "ko": "집주인이 이민국에 신고하겠다고 협박했습니다",
    "zh": "房东威胁要向移民局举报",
    "zh-Hant": "房東威脅要向移民局舉報",
}
# questions put to the person about their status
INQUIRIES: dict[str, list[str]] = {
    "en": ["Do you have papers?", "Are you undocumented?"],
    "es": ["¿Tiene usted papeles?", "¿Tienes papeles?", "¿Es usted ciudadano?"],
    "pt": ["Você tem documentos?", "Você é cidadão?"],
    "ht": ["Èske ou gen papye?", "Ou se sitwayen?"],
    "fr": ["Avez-vous des papiers ?", "Êtes-vous sans papiers ?"],
    "kea": ["Bu ten papel?", "Nhos ten papel?"],
    "vi": ["Bạn có giấy tờ không?", "Anh có giấy tờ không?"],
    "ar": ["هل لديك أوراق؟", "هل أنت مواطن؟"],
    "ru": ["У вас есть документы?", "Вы гражданин?"],
    "so": ["Ma haysataa waraaqo?", "Ma tahay muwaadin?"],
    "am": ["ሰነድ አለዎት?", "ዜጋ ነዎት?"],
    "bn": ["আপনার কাগজপত্র আছে?", "আপনি কি নাগরিক?"],
    "ko": ["서류가 있습니까?", "시민권자입니까?"],
    "zh": ["你有身份吗？", "您是公民吗？"],
    "zh-Hant": ["你有身份嗎？", "您是公民嗎？"],
}
# the City's own services, as a question or a choice on its forms (label, answer)
SERVICES: dict[str, list[tuple[str, str]]] = {
    "en": [("How many passports are you applying for?", "2"), ("Are you applying for a child's passport?", "yes"),
           ("Subscribe to the Office of Immigrant Affairs newsletter", "yes"),
           ("Sign up for a citizenship class", "yes"), ("DACA renewal clinic", "yes")],
    "es": [("¿Cuántos pasaportes va a solicitar?", "2"), ("Pasaporte para su hijo", "sí"),
           ("Inscríbase en las clases de ciudadanía", "sí"), ("Renovación de DACA", "sí")],
    "pt": [("Quantos passaportes vai solicitar?", "2"), ("Renovação de DACA", "sim"),
           ("Inscreva-se nas aulas de cidadania", "sim")],
    "ht": [("Renouvèlman DACA", "wi"), ("Konbyen paspò w ap aplike pou yo?", "2")],
    "fr": [("Combien de passeports demandez-vous ?", "2"), ("Renouvellement du DACA", "oui"),
           ("Inscription au cours de citoyenneté", "oui")],
    "kea": [("Renovason di DACA", "sin"), ("Kantu pasaporti bu sta pidi?", "2"), ("Pasaporti pa mininu", "sin")],
    "ar": [("كم جواز سفر تطلب؟", "2"), ("جواز سفر لطفلك", "نعم")],
    "ru": [("Сколько паспортов вы оформляете?", "2"), ("Паспорт для ребенка", "да")],
    "so": [("Immisa baasaboor ayaad codsanaysaa?", "2"), ("Baasaboor ilmaha", "haa")],
    "am": [("ስንት ፓስፖርት ያመለክታሉ?", "2"), ("የልጅ ፓስፖርት", "አዎ")],
    "bn": [("কয়টি পাসপোর্টের জন্য আবেদন করছেন?", "2"), ("শিশুর পাসপোর্ট", "হ্যাঁ")],
    "ko": [("몇 개의 여권을 신청하십니까?", "2"), ("어린이 여권", "예")],
    "vi": [("Đăng ký nhận bản tin của Văn phòng Các vấn đề Người nhập cư", "có"), ("Gia hạn DACA", "có")],
    "zh": [("护照申请预约", "是"), ("公民入籍课程报名", "是"), ("几本护照？", "2")],
    "zh-Hant": [("護照申請預約", "是"), ("幾本護照？", "2")],
}
FREE_TEXT_NAMES = ["complaint", "description", "text", "comments", "note", "message", "details"]
QUESTION_SIBLINGS = [{"q7": "Oui"}, {"q7": "Có"}, {"field_3": "yes"}, {"q2": "no"}]
JOIN = {"zh": "，", "zh-Hant": "，", "ko": ", ", "ar": "، "}
END = {"zh": "。", "zh-Hant": "。", "am": "።", "bn": "।"}


def _story(lang: str, statement: str, where: int) -> str:
    before, after = CONTEXT[lang]
    end = END.get(lang, ". ")
    parts = [before, after]
    parts.insert(where, statement)
    return end.join(parts) + end.strip()


