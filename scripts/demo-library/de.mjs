// German versions, translated from the English abstracts by the medportal authors (not machine
// translated; no text taken from any other translation). One entry per SciFact document: the
// German title, the German name of the product where the item shows one (`generic`), and one German sentence for every sentence of the English text in the order the
// generator splits it (the generator refuses a count that differs). The generator puts them into
// the same structure as the English version, with German headings.
//
// Terms: SCC = Plattenepithelkarzinom, BCC = Basalzellkarzinom; numbers use the decimal comma.
export const GERMAN = {
  // ---- series "Adipositas und Typ-2-Diabetes" -----------------------------------------------
  4345757: {
    title: "Adipositas als medizinisches Problem",
    sentences: [
      "Adipositas ist in der Weltbevölkerung inzwischen so häufig, dass sie Unterernährung und Infektionskrankheiten als wichtigste Ursache gesundheitlicher Beeinträchtigung abzulösen beginnt.",
      "Insbesondere ist Adipositas mit Diabetes mellitus, koronarer Herzkrankheit, bestimmten Krebsarten und schlafbezogenen Atmungsstörungen assoziiert.",
      "Adipositas ist definiert als ein Body-Mass-Index (Körpergewicht geteilt durch das Quadrat der Körpergröße) von 30 kg m(-2) oder mehr; diese Definition berücksichtigt jedoch weder die Morbidität und Mortalität, die mit geringeren Graden von Übergewicht verbunden sind, noch die schädliche Wirkung des intraabdominellen Fetts.",
      "Die weltweite Adipositas-Epidemie entsteht aus einem Zusammenspiel von genetischer Anfälligkeit, größerer Verfügbarkeit energiereicher Lebensmittel und geringerem Bedarf an körperlicher Aktivität in der modernen Gesellschaft.",
      "Adipositas sollte nicht länger nur als kosmetisches Problem einzelner Menschen gelten, sondern als Epidemie, die das Wohlergehen weltweit bedroht.",
    ],
  },
  120626: {
    title: "Mechanismen, die Adipositas mit Insulinresistenz und Typ-2-Diabetes verbinden",
    sentences: [
      "Adipositas ist mit einem erhöhten Risiko verbunden, eine Insulinresistenz und einen Typ-2-Diabetes zu entwickeln.",
      "Bei Menschen mit Adipositas setzt das Fettgewebe vermehrt nicht veresterte Fettsäuren, Glycerin, Hormone, entzündungsfördernde Zytokine und weitere Faktoren frei, die an der Entstehung der Insulinresistenz beteiligt sind.",
      "Geht die Insulinresistenz mit einer Funktionsstörung der β-Zellen der Langerhans-Inseln des Pankreas einher – der Zellen, die Insulin freisetzen –, kann der Blutzucker nicht mehr ausreichend reguliert werden.",
      "Störungen der β-Zell-Funktion sind daher entscheidend für das Risiko und die Entstehung eines Typ-2-Diabetes.",
      "Dieses Wissen fördert die Erforschung der molekularen und genetischen Grundlagen der Erkrankung sowie neue Ansätze für ihre Behandlung und Prävention.",
    ],
  },
  8708082: {
    title: "Die Prävention des Typ-2-Diabetes",
    sentences: [
      "Typ-2-Diabetes mellitus (T2DM) betrifft mehr als 7 % der Erwachsenen in den USA und verursacht eine erhebliche persönliche und wirtschaftliche Belastung.",
      "In prädiabetischen Stadien sind Insulinsekretion und Insulinwirkung – mögliche Ansatzpunkte präventiver Maßnahmen – beeinträchtigt.",
      "In Studien hat sich eine Änderung des Lebensstils (d. h. Gewichtsabnahme und Bewegung) als wirksam erwiesen, um das Neuauftreten eines T2DM in Hochrisikogruppen zu verhindern, wobei die Gewichtsabnahme den größten Effekt hat.",
      "Auch verschiedene Arzneimittel (z. B. Metformin, Thiazolidindione und Acarbose) können einen T2DM verhindern oder verzögern.",
      "Ob Strategien zur Diabetesprävention letztlich auch die Entstehung diabetischer Gefäßkomplikationen verhindern, ist nicht bekannt, kardiovaskuläre Risikofaktoren werden jedoch günstig beeinflusst.",
      "Präventionsstrategien, die sich in der klinischen Routine umsetzen lassen, wurden entwickelt und evaluiert.",
      "Ihre breite Anwendung wurde jedoch durch lokale finanzielle Erwägungen begrenzt, obwohl auf Bevölkerungsebene Kosteneffektivität erreichbar sein könnte.",
    ],
  },

  // ---- guidelines and statements ------------------------------------------------------------
  11071351: {
    title: "Primärprävention der Hypertonie: klinische und gesundheitspolitische Empfehlung des National High Blood Pressure Education Program",
    sentences: [
      "Das Coordinating Committee des National High Blood Pressure Education Program veröffentlichte 1993 seine erste Stellungnahme zur Primärprävention der Hypertonie.",
      "Dieser Artikel aktualisiert den Bericht von 1993 anhand neuer und weiterer Evidenz aus der wissenschaftlichen Literatur.",
      "Die aktuellen Empfehlungen zur Primärprävention der Hypertonie umfassen einen bevölkerungsbezogenen Ansatz und eine intensive, gezielte Strategie für Personen mit hohem Hypertonierisiko.",
      "Beide Strategien ergänzen sich und betonen 6 Ansätze mit nachgewiesener Wirksamkeit zur Vorbeugung der Hypertonie: sich mäßig körperlich betätigen; ein normales Körpergewicht halten; den Alkoholkonsum begrenzen; die Natriumzufuhr senken; ausreichend Kalium aufnehmen; und sich reich an Obst, Gemüse und fettarmen Milchprodukten sowie arm an gesättigten Fetten und Gesamtfett ernähren.",
      "Werden diese Ansätze in der Allgemeinbevölkerung als Teil von öffentlicher Gesundheitsvorsorge und klinischer Praxis angewendet, können sie helfen, einen Anstieg des Blutdrucks zu verhindern und erhöhte Blutdruckwerte bei Menschen mit hochnormalem Blutdruck oder Hypertonie zu senken.",
    ],
  },
  471921: {
    title: "Luftverschmutzung und Herz-Kreislauf-Erkrankungen: Stellungnahme für medizinische Fachkreise des Expert Panel on Population and Prevention Science der American Heart Association",
    sentences: [
      "Luftverschmutzung ist ein heterogenes, komplexes Gemisch aus Gasen, Flüssigkeiten und Feinstaub.",
      "Epidemiologische Studien haben ein durchgängig erhöhtes Risiko für kardiovaskuläre Ereignisse im Zusammenhang mit kurz- und langfristiger Exposition gegenüber den heutigen Konzentrationen von Feinstaub in der Außenluft gezeigt.",
      "Mehrere plausible Wirkmechanismen wurden beschrieben, darunter eine verstärkte Gerinnung/Thrombose, eine Neigung zu Herzrhythmusstörungen, eine akute arterielle Vasokonstriktion, systemische Entzündungsreaktionen und die chronische Förderung der Atherosklerose.",
      "Ziel dieser Stellungnahme ist es, medizinischen Fachkreisen und Aufsichtsbehörden eine umfassende Übersicht über die Literatur zu Luftverschmutzung und Herz-Kreislauf-Erkrankungen zu geben.",
      "Darüber hinaus werden die Folgen dieser Erkenntnisse für öffentliche Gesundheit und Regulierung behandelt.",
      "Praktische Empfehlungen für Behandelnde und ihre Patientinnen und Patienten werden skizziert.",
      "Im letzten Abschnitt werden Vorschläge für künftige Forschung gemacht, um eine Reihe offener wissenschaftlicher Fragen zu klären.",
    ],
  },
  13870943: {
    title: "Empfohlene Diagnosekriterien der multiplen Sklerose: Leitlinien des International Panel on the Diagnosis of Multiple Sclerosis",
    sentences: [
      "Das International Panel on MS Diagnosis legt überarbeitete Diagnosekriterien für die multiple Sklerose (MS) vor.",
      "Im Mittelpunkt steht weiterhin der objektive Nachweis der zeitlichen und räumlichen Dissemination von Läsionen.",
      "Die Magnetresonanztomographie wird mit klinischen und anderen paraklinischen Untersuchungsmethoden verknüpft.",
      "Die überarbeiteten Kriterien erleichtern die Diagnose der MS bei Patientinnen und Patienten mit unterschiedlichen Erscheinungsbildern, darunter eine „monosymptomatische“ Erkrankung mit Verdacht auf MS, eine Erkrankung mit typischem schubförmig-remittierendem Verlauf und eine schleichend fortschreitende Erkrankung ohne klare Schübe und Remissionen.",
      "Früher verwendete Begriffe wie „klinisch gesichert“ und „wahrscheinliche MS“ werden nicht mehr empfohlen.",
      "Das Ergebnis einer diagnostischen Abklärung lautet entweder MS, „mögliche MS“ (bei Personen mit MS-Risiko, deren Abklärung nicht eindeutig ist) oder „keine MS“.",
    ],
  },

  // ---- FAQ answers ----------------------------------------------------------------------------
  14566771: {
    title: "Hängen Migräne und Schlaganfall zusammen?",
    sentences: [
      "Die Beziehung zwischen Migräne und Schlaganfall ist komplex.",
      "Ein Schlaganfall kann zufällig mit einer Migräne zusammentreffen, Migräne kann aber bei Frauen unter 45 Jahren und möglicherweise bei Männern mit Migräne mit Aura das Schlaganfallrisiko erhöhen.",
      "Ein Schlaganfall kann eine Migräne nachahmen, Migränesyndrome können aber auch Symptom einer zugrunde liegenden zerebrovaskulären Erkrankung sein.",
      "Ein echter migränebedingter Schlaganfall ist selten.",
      "Die Mechanismen eines Schlaganfalls während einer Migräneattacke sind noch ungeklärt, beruhen aber wahrscheinlich auf einem Zusammenspiel dynamischer Veränderungen der Hirndurchblutung mit Schlaganfall-Risikofaktoren.",
    ],
  },
  12667988: {
    title: "Können Biofeedback oder Entspannungstraining Menschen mit Migräne helfen?",
    sentences: [
      "Siebenundzwanzig Patientinnen und Patienten mit Migräne wurden in drei gleich große Gruppen eingeteilt, die ein thermisches Biofeedback, ein EMG-Biofeedback des Musculus frontalis oder ein Entspannungstraining erhielten.",
      "Das Training fand unter Bedingungen „massierter“ Übung statt (neun Sitzungen pro Woche) und umfasste 18 Trainingssitzungen und sechs Test- und Generalisierungssitzungen.",
      "Zwar besserten sich die Kopfschmerzen in allen Gruppen, die stärkste Besserung zeigte jedoch die Gruppe mit thermischem Biofeedback: Bei ihr waren die Migräneattacken zum Trainingsende fast vollständig verschwunden, und dieses Ergebnis hielt bis zu sechs Monate nach dem Training an.",
      "Die Auswertung der Verläufe von Hauttemperatur und EMG in den drei Gruppen während des Trainings weist außerdem auf einen Zusammenhang zwischen der Kontrolle der Hauttemperatur und dem Rückgang der Migränesymptome hin und legt nahe, diesen Zusammenhang weiter zu untersuchen.",
    ],
  },
  41161366: {
    title: "Wie löst körperliche Belastung Asthma aus?",
    sentences: [
      "Die Wirkung körperlicher Belastung auf die Lungenfunktion wurde bei 7 Patientinnen und Patienten mit Asthma untersucht.",
      "Bei drei von ihnen nahm die Einsekundenkapazität (FEV 1) nach der Belastung deutlich ab.",
      "Das Ausmaß der belastungsbedingten Hyperventilation korrelierte mit dem Abfall der FEV 1 nach der Belastung.",
      "Willkürliche Hyperventilation in Ruhe führte bei allen Patientinnen und Patienten mit Asthma zu einem Abfall der FEV 1.",
      "Wurde während der willkürlichen Hyperventilation statt Raumluft ein Gemisch mit 5,6 Prozent Kohlendioxid geatmet, waren die Ventilation größer und der Abfall der FEV1 stärker.",
      "Weder Belastung noch willkürliche Hyperventilation hatten einen signifikanten Einfluss auf die FEV 1 bei Gesunden und bei Patientinnen und Patienten mit chronischer Bronchitis.",
      "Sowohl der belastungs- als auch der hyperventilationsbedingte Abfall der FEV 1 ließ sich durch vorherige Gabe von Isoproterenol verhindern, nicht aber durch Atropin.",
      "Es wird angenommen, dass belastungsinduziertes Asthma wahrscheinlich ein hyperventilationsinduziertes Asthma ist.",
      "Für die Entstehung der Atemwegsobstruktion kommen mehrere Mechanismen in Frage.",
    ],
  },
  2015126: {
    title: "Wie werden Frauen mit einer erblichen Veranlagung für Brustkrebs betreut?",
    sentences: [
      "Die Betreuung von Frauen mit einer genetischen Veranlagung für Brustkrebs erfordert sorgfältige Planung.",
      "Frauen mit Mutationen in BRCA 1 und BRCA 2 haben ein erhöhtes Risiko für Brustkrebs und auch für andere Krebsarten, insbesondere Eierstockkrebs.",
      "Früherkennung, prophylaktische Operation und Chemoprävention sind gängige Strategien in der Betreuung dieser Patientinnen, und Frauen können sich für mehr als eine dieser Strategien entscheiden.",
      "Keine randomisierte prospektive Studie hat die Wirkung dieser Strategien speziell bei Mutationsträgerinnen untersucht.",
      "Alle Patientinnen sollten darüber informiert werden, dass Früherkennung, prophylaktische Operation und Chemoprävention sowohl schaden als auch nützen können.",
    ],
  },
  25853741: {
    title: "Wie häufig ist Hautkrebs nach einer Nierentransplantation?",
    sentences: [
      "Die Inzidenz von Plattenepithelkarzinomen (SCC) und Basalzellkarzinomen (BCC) wurde getrennt bei allen 764 Patientinnen und Patienten untersucht, die zwischen 1966 und 1988 am Universitätsklinikum Leiden ein Nierentransplantat erhalten hatten.",
      "Die mittlere Nachbeobachtungszeit betrug 8,7 Jahre nach der Transplantation (Spanne 1–21 Jahre).",
      "In diesem Zeitraum wurden bei 47 Patientinnen und Patienten 176 Hautkrebserkrankungen diagnostiziert.",
      "Das Gesamtrisiko, einen ersten Tumor zu entwickeln, stieg von 10 % nach 10 Jahren auf 40 % nach 20 Jahren Transplantatfunktion.",
      "Die Gesamtinzidenz von SCC war 250-mal und die von BCC 10-mal höher als in der niederländischen Allgemeinbevölkerung.",
      "Zudem unterschied sich die Lokalisation der SCC und BCC erheblich.",
      "Sonnenstrahlung gilt als wichtiger Risikofaktor für die Entstehung von Hautkrebs.",
      "Dennoch ist Hautkrebs bei Langzeit-Transplantatempfängern auch in einem Land mit höherer geografischer Breite und mäßiger Sonnenexposition wie den Niederlanden ein großes Problem.",
    ],
  },

  // ---- product dossier entries ------------------------------------------------------------------
  22995579: {
    generic: "Amitriptylin",
    title: "Amitriptylin wirkt bei chronischem, nicht aber bei episodischem Kopfschmerz vom Spannungstyp: Folgerungen für die Pathogenese",
    sentences: [
      "Das trizyklische Antidepressivum Amitriptylin ist ein wirksames Arzneimittel zur Behandlung des chronischen Kopfschmerzes vom Spannungstyp und anderer chronischer Schmerzsyndrome, es ist aber auch in der Prophylaxe episodischer Kopfschmerzformen wie der Migräne wirksam.",
      "Seine Wirksamkeit beim episodischen Kopfschmerz vom Spannungstyp ist jedoch noch nicht geklärt.",
      "Wir verglichen die Wirksamkeit von Amitriptylin (25 mg/Tag) bei 82 nicht depressiven Patientinnen und Patienten mit chronischem oder episodischem Kopfschmerz vom Spannungstyp in einer offenen Studie.",
      "Amitriptylin senkte Häufigkeit und Dauer der Kopfschmerzen sowie den Analgetikaverbrauch signifikant (P < 0,05) beim chronischen, nicht aber beim episodischen Kopfschmerz vom Spannungstyp.",
      "Weitere placebokontrollierte Studien, möglicherweise mit höheren Amitriptylin-Dosen, könnten klären, ob sich das unterschiedliche Ansprechen auf Amitriptylin durch eine unterschiedliche Beteiligung der zentralen Nozizeption und peripherer myofaszialer Faktoren bei der chronischen und der episodischen Form des Kopfschmerzes vom Spannungstyp erklären lässt.",
    ],
  },
  17925632: {
    generic: "Tafenoquin",
    title: "Wirksamkeit von monatlich gegebenem Tafenoquin zur Prophylaxe der Malaria durch Plasmodium vivax und multiresistentes P. falciparum",
    sentences: [
      "Wir untersuchten monatliche Tafenoquin-Dosen zur Vorbeugung der Malaria durch Plasmodium vivax und multiresistentes P. falciparum.",
      "In einer randomisierten, doppelblinden, placebokontrollierten Studie erhielten 205 thailändische Soldaten entweder eine Aufsättigungsdosis von täglich 400 mg Tafenoquin (Base) über 3 Tage, gefolgt von monatlichen Einzeldosen von 400 mg (n = 104), oder Placebo (n = 101), über bis zu 5 aufeinanderfolgende Monate.",
      "Bei den Teilnehmenden, die die Nachbeobachtung abschlossen (96 unter Tafenoquin und 91 unter Placebo), traten 22 Infektionen mit P. vivax, 8 mit P. falciparum und 1 Mischinfektion auf.",
      "Alle Infektionen außer einer mit P. vivax traten unter Placebo auf; daraus ergab sich für Tafenoquin eine Schutzwirkung von 97 % gegen Malaria insgesamt (95-%-Konfidenzintervall [KI] 82–99 %), von 96 % gegen Malaria durch P. vivax (95-%-KI 76–99 %) und von 100 % gegen Malaria durch P. falciparum (95-%-KI 60–100 %).",
      "Monatlich gegebenes Tafenoquin war sicher, gut verträglich und hochwirksam in der Vorbeugung der Malaria durch P. vivax und multiresistentes P. falciparum bei thailändischen Soldaten während 6 Monaten Prophylaxe.",
    ],
  },

  // ---- safety communication -------------------------------------------------------------------
  17591478: {
    title: "Immunogenität und Sicherheit des attenuierten Lebendimpfstoffs SA 14-14-2 gegen Japanische Enzephalitis bei Kindern mit einem Grundimmunisierungsschema aus zwei Dosen",
    sentences: [
      "Eine wirksame und gut verträgliche Impfung ist eine wesentliche Strategie zur Vorbeugung der Japanischen Enzephalitis (JE) in Endemiegebieten.",
      "Obwohl der attenuierte Lebendimpfstoff SA 14-14-2 gegen JE (LAJEV) seit seiner Einführung breit eingesetzt wird, gab es in Korea kaum systematische Daten zu LAJEV.",
      "Wir führten eine offene, prospektive Kohortenstudie durch, um Immunogenität und Sicherheit dieses Impfstoffs zu untersuchen.",
      "Neunzig Personen wurden aufgenommen, und LAJEV wurde als Grundimmunisierung mit 2 Dosen im Abstand von 12 Monaten gegeben.",
      "Die Titer neutralisierender Antikörper wurden vor und nach jeder Impfung gemessen, und unerwünschte Ereignisse wurden aktiv erfasst.",
      "Nach der ersten Dosis waren 91,1 % der Geimpften seroprotektiert, mit einem geometrischen mittleren Titer (GMT) von 40,9.",
      "Die Seroprotektionsrate nach der zweiten Dosis betrug 97 %, und der GMT stieg um das 6,5-Fache.",
      "Die meisten unerwünschten Ereignisse nach der Impfung klangen von selbst ab, und bis 42 Tage nach jeder Dosis wurden keine schwerwiegenden unerwünschten Ereignisse gemeldet.",
      "Die Gabe von LAJEV in 2 Dosen als Grundimmunisierung erwies sich als hoch immunogen und sicher.",
    ],
  },

  // ---- publication summaries -------------------------------------------------------------------
  2352142: {
    title: "Hirndurchblutung und Schlaganfall",
    sentences: [
      "Der Schlaganfall ist ein heterogenes Syndrom mit vielen Krankheitsmechanismen, die jedoch alle zu einer Störung der Hirndurchblutung mit nachfolgender Gewebeschädigung führen.",
      "Diese Übersicht behandelt die Mechanismen, die die normale Hirndurchblutung regulieren, und wie sie bei Erkrankungen gestört werden.",
      "Ein zentrales Konzept in der Behandlung des akuten ischämischen Schlaganfalls ist die ischämische Penumbra aus potenziell rettbarem Gewebe; die Evidenz für ihre Existenz beim Menschen wird dargestellt.",
    ],
  },
  1967410: {
    title: "Möglicher Einsatz von γ-Sekretase-Modulatoren in der Behandlung der Alzheimer-Krankheit",
    sentences: [
      "Obwohl das Verständnis der Pathogenese der Alzheimer-Krankheit in den vergangenen 20 Jahren erhebliche Fortschritte gemacht hat, gibt es noch keine krankheitsmodifizierenden Therapeutika, die den klinischen Verlauf dieser häufigen neurodegenerativen Erkrankung wesentlich verändern können.",
      "In dieser kurzen Übersicht besprechen wir 2 Ansätze, die derzeit klinisch geprüft werden (γ-Sekretase-Hemmung und γ-Sekretase-Modulation), und heben die wesentlichen Unterschiede zwischen diesen 2 Therapieansätzen hervor.",
      "Außerdem besprechen wir genetisch und biomarkerbasierte translationale Ansätze und Studiendesigns, die bei der Entwicklung eines nützlichen Wirkstoffs helfen können.",
    ],
  },
  1259359: {
    title: "HIV-Seropositivität und Tuberkulose in einem großen Allgemeinkrankenhaus in Malawi",
    sentences: [
      "Die Inzidenz des erworbenen Immunschwächesyndroms (AIDS) in Malawi gehört zu den höchsten in Zentralafrika.",
      "Da die Tuberkulose eine wichtige Erstmanifestation der Erkrankung ist, wurden aufeinanderfolgende Patientinnen und Patienten der Tuberkulosestationen (TB) des Zomba General Hospital in Malawi um ihre Zustimmung zu einem Test auf Antikörper gegen das humane Immundefizienz-Virus (HIV) gebeten.",
      "Zusätzlich wurden zwei weitere Untersuchungen durchgeführt: Ab September 1986 wurden alle internistischen stationären Patientinnen und Patienten mit klinischem Verdacht auf eine Immunschwäche und ab April 1988 alle Blutspenderinnen und Blutspender auf HIV-Seropositivität getestet.",
      "Fünfundsiebzig Prozent der TB-Patientinnen und -Patienten nahmen freiwillig teil; 32 von 125 (26 %) waren seropositiv.",
      "In den Altersgruppen mit hohem Risiko (20–40 Jahre) stieg dieser Anteil auf 32.",
      "Unter den internistischen stationären Patientinnen und Patienten mit Verdacht auf Immunschwäche stieg die Seropositivität von April 1987 bis Oktober 1988 steil an.",
      "Von den getesteten Blutspenderinnen und Blutspendern waren 20 % seropositiv.",
    ],
  },
  32012666: {
    title: "Rückläufige Tuberkulose-Meldezahlen im Zusammenhang mit gestärkter TB- und erweiterter HIV-Versorgung in Swasiland",
    sentences: [
      "Diese retrospektive Beobachtungsübersicht dokumentiert die Arbeit des nationalen Tuberkulose-Kontrollprogramms (TB) von Swasiland zwischen 2004 und 2014.",
      "Ziel ist es, die Diskrepanz zwischen dem tatsächlichen Rückgang der gemeldeten Fälle und dem Anstieg der geschätzten Inzidenz zu beschreiben.",
      "Die Auswertung von Richtlinien und Praxis zeigt als einflussreichste Faktoren für den Rückgang der TB-Meldungen einen besseren Zugang zur antiretroviralen Therapie für koinfizierte TB-Patientinnen und -Patienten, die insgesamt erfolgreiche Integration der TB- und HIV-Versorgung im Land sowie eine bessere Umsetzung aller Komponenten der direkt überwachten Behandlung, der aktiven Fallsuche und der schnellen Diagnostik mit neuen Technologien.",
    ],
  },
  23531592: {
    title: "HIV-Infektion bei Kindern",
    sentences: [
      "Bis zum Jahr 2000 werden sechs Millionen schwangere Frauen und fünf bis zehn Millionen Kinder mit HIV-1 infiziert sein.",
      "Interventionsstrategien wurden geplant und teilweise bereits begonnen.",
      "Eine rechtzeitige und kosteneffektive Strategie muss berücksichtigen, dass die meisten HIV-1-infizierten Menschen in Entwicklungsländern leben.",
      "Weitere Studien sind nötig zu immunologischen und virologischen Faktoren, die die Übertragung von HIV-1 von der Mutter auf das Kind beeinflussen, zum unterschiedlichen Krankheitsverlauf bei betroffenen Kindern und zur vorübergehenden Infektion.",
    ],
  },
  21874312: {
    title: "Brustkrebsrisiko nach dem mammographischen Parenchymmuster",
    sentences: [
      "Es wurde eine Einteilung des Brustkrebsrisikos entwickelt, die allein auf dem mammographischen Erscheinungsbild des Brustparenchyms beruht.",
      "Es wurden vier Patientinnengruppen unterschieden.",
      "Die Studie umfasste einen Zeitraum von fünf Jahren; ausgewertet wurden die Mammographien aller Frauen über 30 Jahre, die am Hutzel Hospital in Detroit untersucht worden waren.",
      "Die durchschnittliche Nachbeobachtungszeit dürfte etwa 2 1/2 Jahre betragen.",
      "In den vier Gruppen lag die Inzidenz einer Brustkrebserkrankung bei 0,1, 0,4, 1,7 und 2,2.",
      "Diese Parenchymmuster werden beschrieben, und Kriterien für ihre Erkennung werden angegeben.",
    ],
  },
  33127778: {
    title: "Magenfrühkarzinom und Dysplasie",
    sentences: [
      "Seit das Konzept des Magenfrühkarzinoms 1962 in Japan erstmals beschrieben wurde, hat sich seine Behandlung von der kurativen chirurgischen Resektion zur endoskopischen Resektion entwickelt, anfangs mit der Polypektomie und in jüngerer Zeit mit der endoskopischen Submukosadissektion.",
      "Mit wachsender weltweiter Erfahrung und Akzeptanz dieser endoskopischen Verfahren haben Studien bei sorgfältig ausgewählten Patientinnen und Patienten eine mit historischen chirurgischen Ergebnissen vergleichbare Wirksamkeit bestätigt.",
      "Die Kriterien für die endoskopische Resektion wurden erweitert, um mehr Patientinnen und Patienten eine bessere Lebensqualität zu ermöglichen und die mit der Operation verbundene Morbidität und Mortalität zu vermeiden.",
      "Dieser Artikel fasst die sich wandelnde Rolle der endoskopischen und chirurgischen Therapie beim Magenfrühkarzinom zusammen.",
    ],
  },
  24865781: {
    title: "Vergleich einer medikamentösen (Amitriptylin-HCl) und einer nichtmedikamentösen (kognitiv-behavioralen) Therapie bei chronischem Spannungskopfschmerz",
    sentences: [
      "Einundvierzig Personen mit wiederkehrendem Spannungskopfschmerz wurden randomisiert entweder einer kognitiven Verhaltenstherapie (überwiegend als Behandlungsprogramm zu Hause) oder einer Amitriptylin-Therapie (mit individuell angepasster Dosis von 25, 50 oder 75 mg/Tag) zugeteilt.",
      "Kognitive Verhaltenstherapie und Amitriptylin führten jeweils zu klinisch bedeutsamen Verbesserungen der Kopfschmerzaktivität, sowohl gemessen an täglichen Aufzeichnungen der Patientinnen und Patienten (Rückgang des Kopfschmerzindex um 56 % bzw. 27 %) als auch an der Einschätzung der klinischen Besserung durch Neurologinnen und Neurologen (94 % bzw. 69 % der Patientinnen und Patienten mindestens mäßig gebessert).",
      "Wo sich Unterschiede in der Wirksamkeit zeigten (Kopfschmerzindex, körperliche Beschwerden, wahrgenommene Kontrolle über die Kopfschmerzen), erzielte die kognitive Verhaltenstherapie etwas günstigere Ergebnisse als Amitriptylin.",
      "Keine der beiden Behandlungen beseitigte die Kopfschmerzprobleme jedoch vollständig.",
    ],
  },
};
