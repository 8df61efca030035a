"""Wording in the languages members most often write in besides English: rows for the tables.

Each constant is one ``(pattern, weight, reason)`` row that ``inbox.joining`` or
``inbox.leaving`` adds to its table, matched against *flattened* text (lower case;
accents kept). A row lists the usual ways of saying one thing (the verb in its polite,
plural and infinitive forms, with the object pronoun attached or apart) in Italian,
Spanish, French, Portuguese, German, Polish, Dutch, Welsh and Romanian.
"""

from __future__ import annotations

JOIN = (
    r"\b(?:quiero (?:unirme|ser miembro|inscribirme)|me gustar[ií]a (?:unirme|ser miembro"
    r"|inscribirme)|je (?:veux|voudrais|souhaite) (?:adh[ée]rer|rejoindre|devenir membre)"
    r"|ich (?:m[öo]chte|will) (?:mitglied werden|beitreten|mitmachen)|chc[eę] (?:do[łl][aą]czy[cć]"
    r"|si[eę] zapisa[cć]|zosta[cć] cz[łl]onkiem)|hoffwn (?:i )?ymuno|vorrei (?:unirmi|iscrivermi"
    r"|aderire|diventare (?:un )?membro)|(?:quero|gostaria de) (?:aderir|juntar-me|ser membro"
    r"|inscrever-me|tornar-me membro)|ik wil (?:graag )?(?:lid worden|me aanmelden))",
    0.85, "wants to join (non-English)")

LEAVE = (
    # it: cancellarmi / rimuovetemi / toglietemi / non voglio più ricevere
    r"(?:\bcancella(?:mi|temi|rmi)\b|\brimuov(?:etemi|ermi|imi)\b|\bt(?:oglietemi|ogliermi)\b"
    r"|\bdisiscriv|\bnon (?:voglio|desidero) pi[ùu] ricevere|\bannullare la mia iscrizione"
    # es: darme de baja / eliminadme de / no quiero recibir más
    r"|\bd(?:arme|ar|[ée]me|adme) de baja|\bcancelar (?:mi )?(?:suscripci|membres)"
    r"|\b(?:elimin|quit|borr)(?:adme|arme|enme) de\b|\bno (?:quiero|deseo) recibir m[áa]s"
    # fr: désabonner / retirez-moi / je ne souhaite plus recevoir / annuler mon adhésion
    r"|d[ée]sabonne|d[ée]sinscri|\bretirez[- ]moi|\bsupprimez[- ]moi de"
    r"|\bme retirer de (?:la|votre) liste"
    r"|\bne (?:souhaite|veux|d[ée]sire|voudrais) plus (?:recevoir|[êe]tre membre)"
    r"|\b(?:annuler|r[ée]silier|mettre fin [àa]) mon (?:adh[ée]sion|abonnement|inscription)"
    # pt: removam-me da / descadastrar / não quero mais receber
    r"|\b(?:remov|retir|exclu)(?:am|a|er|ir)[- ]me d[ae]\b|\bdescadastr|\bcancelar a minha"
    r" (?:inscri[çc][ãa]o|subscri[çc][ãa]o|ades[ãa]o)|\bn[ãa]o quero (?:mais )?receber"
    # de: abmelden / keine E-Mails mehr / kündige meine Mitgliedschaft
    r"|\babmelden|\babbestellen|\baustragen|\bstreichen sie mich|\bentfernen sie mich|\bnehmen sie"
    r" mich (?:aus|von)|\bkeine (?:e-?mails?|mails|nachrichten|newsletter|post) mehr"
    r"|\bk[üu]ndige (?:ich )?meine mitgliedschaft|\bmitgliedschaft k[üu]ndigen"
    r"|\bnicht mehr (?:erhalten|bekommen|empfangen)"
    # pl: wypisz / usuńcie mnie z / nie chcę już otrzymywać / rezygnuję z
    r"|\bwypis(?:z|a[cć]|zcie)|\busu[nń](?:cie)? mnie z|\busun[aą][cć] mnie z|\bnie chc[eę]"
    r" (?:ju[żz] )?otrzymywa[cć]|\brezygnuj[eę] z (?:cz[łl]onkostwa|subskrypcji|newslettera)"
    # nl: afmelden / uitschrijven / geen e-mails meer
    r"|\bafmelden|\buitschrijven|\bhaal me (?:van|uit)|\bverwijder me (?:van|uit)"
    r"|\bgeen (?:e-?mails?|mails|berichten|nieuwsbrieven) meer|\blidmaatschap opzeggen"
    # cy: dad-danysgrifio / tynnwch fi oddi ar; ro: dezabonare
    r"|\bdad-danysgrifio|\btynn(?:wch|u) fi (?:oddi ar|o'?r)|\bdezabona)",
    0.85, "asks to unsubscribe (non-English)")

ERASE = (
    r"(?:\bl[öo]schen sie|\bl[öo]schung"
    r"|\b(?:meine|alle) (?:pers[öo]nlichen )?daten (?:zu )?l[öo]sch"
    r"|\b(?:supprimer|effacer|supprimez|effacez) (?:toutes )?mes (?:donn[ée]es|informations)"
    r"|\bdroit (?:[àa] l'oubli|[àa] l'effacement)|\b(?:borrar|eliminar|borrad|eliminad|supriman"
    r"|borren|eliminen) (?:todos )?mis datos|\busun[aą][cć] (?:moje |wszystkie )?dane"
    r"|\busuni[eę]cie (?:moich )?danych|\b(?:cancellare|eliminare|cancellate|eliminate"
    r"|rimuovere)(?: tutti)? i (?:miei|nostri) dati|\b(?:apagar|eliminar|apaguem|eliminem)"
    r" (?:todos )?os meus dados|\b(?:verwijder|wis) mijn gegevens|\bmijn gegevens (?:te )?"
    r"(?:verwijderen|wissen)|\bdileu fy (?:data|manylion))",
    0.9, "asks for deletion (non-English)")
