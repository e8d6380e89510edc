# Yr ymgynghoriad: y ffurflen sylwadau, ei gwallau, y dderbynneb a'r hysbysiadau.
# Yr un ids â'r ffeil Saesneg (src/i18n/locales/en/consultation.ftl).

## Y ffurflen sylwadau

comment-on = Rhoi sylw ar { $label }
comment-back-to = Yn ôl i { $label }
comment-back-to-whole = Yn ôl i ddechrau'r drafft
comment-own-record-title = Ni all y ffurflen hon edrych ar eich cofnod eich hun
comment-own-record = Mae'r ymgynghoriad hwn yn ymwneud â'r Cod drafft. Ni all neb sy'n darllen sylwadau weld, cywiro na dileu cofnod heddlu unrhyw un, ac nid cwyn yw sylw. I wneud y pethau hynny:
comment-route-access-html = gofynnwch i'r heddlu sy'n cadw'r cofnod am gopi o'ch gwybodaeth (cais gwrthrych am wybodaeth); ar gyfer cofnodion ar Gyfrifiadur Cenedlaethol yr Heddlu, gofynnwch i <a href="{ $url }" hreflang="en">Swyddfa Cofnodion Troseddol ACRO</a>, sydd hefyd yn delio â cheisiadau i'w dileu
comment-route-complain-html = cwynwch i'r heddlu hwnnw (dewch o hyd iddo ar <a href="{ $url }" hreflang="en">police.uk</a>); os nad ydych chi'n fodlon ar sut mae'n delio â chwyn am ymddygiad yr heddlu, ewch at <a href="{ $iopc }">Swyddfa Annibynnol Ymddygiad yr Heddlu</a>
comment-route-ico-html = os nad yw'r heddlu yn unioni sut y deliodd â'ch gwybodaeth, cwynwch i <a href="{ $url }">Swyddfa'r Comisiynydd Gwybodaeth</a>
comment-target-whole = y drafft cyfan
comment-target-paragraph = paragraff { $number }
# Ar ôl "ar" ac "i": treiglad meddal.
comment-target-paragraph-mutated = baragraff { $number }
comment-as-it-reads = , fel y mae'n darllen yn fersiwn drafft { $version }
comment-closed = Mae'r ymgynghoriad hwn wedi cau
comment-not-open-yet = Dydy'r ymgynghoriad hwn ddim ar agor eto
comment-still-read-html = Gallwch chi ddal i ddarllen <a href="{ $url }">{ $label }</a> a gweddill y drafft.
comment-honeypot = Gadewch y maes hwn yn wag
comment-question = Cwestiwn yr ymgynghoriad (dewisol)
comment-question-none = Dim cwestiwn penodol
comment-body = Eich sylw
comment-body-hint = Hyd at { $max } nod. Peidiwch â chynnwys manylion personol am bobl eraill.
comment-respondent-type = Ydych chi'n ymateb fel unigolyn neu ar ran sefydliad?
comment-as-individual = Fel unigolyn
comment-for-organisation = Ar ran sefydliad
comment-name = Eich enw (dewisol)
comment-organisation = Sefydliad (os ydych chi'n ymateb ar ran un)
comment-email = Cyfeiriad e-bost (dewisol)
comment-email-hint = Dim ond os ydych chi am i ni allu cysylltu â chi am eich ymateb.
comment-publish = Gawn ni gyhoeddi eich ymateb?
comment-foi = Efallai y byddwn ni'n cyhoeddi ymatebion ar ôl i'r ymgynghoriad gau. Beth bynnag a ddewiswch chi, efallai y bydd rhaid datgelu eich ymateb os bydd rhywun yn gofyn amdano dan Ddeddf Rhyddid Gwybodaeth 2000, hyd yn oed os ydych chi'n gofyn i ni beidio â'i gyhoeddi.
comment-publish-yes = Cewch, gyda fy enw neu enw fy sefydliad
comment-publish-anonymous = Cewch, ond heb fy enw nac enw fy sefydliad
comment-publish-no = Na chewch, peidiwch â'i gyhoeddi
comment-attribution = Os byddwn ni'n ei gyhoeddi gydag enw, sut dylen ni eich enwi?
comment-attribution-hint = Dim ond os ateboch chi "Cewch, gyda fy enw neu enw fy sefydliad". Rhowch yr enw a ddewiswch uchod.
comment-attribution-name = Wrth fy enw
comment-attribution-organisation = Wrth enw fy sefydliad
comment-attribution-both = Wrth fy enw ac enw fy sefydliad
comment-send = Anfon eich sylw

## Cyfnod yr ymgynghoriad

window-opens = Bydd yr ymgynghoriad hwn yn agor ar { $when }
window-closes = Bydd yr ymgynghoriad hwn yn cau ar { $when }
window-closed = Caeodd yr ymgynghoriad hwn ar { $when }
window-date-time = { $date } am { $time } { $zone }

## Gwallau'r tudalennau sylwadau

comments-none = Dydy'r drafft hwn ddim ar agor i sylwadau.
comments-target-not-found = Heb ddod o hyd i'r rhan honno o'r Cod
comments-target-not-found-message = Doedd dim modd dod o hyd i'r rhan o'r Cod rydych chi am roi sylw arni. Efallai ei bod wedi cael rhif newydd neu wedi'i thynnu: ewch yn ôl i'r Cod a'i dewis eto.
comments-not-sent = Chafodd eich sylw ddim ei anfon
comments-not-sent-message = Mae'r ffurflen wedi dod i ben, neu fe'i hanfonwyd o wefan arall. Ewch yn ôl i'r Cod, agorwch y ffurflen sylwadau eto ac anfonwch eich sylw oddi yno.
comments-too-many = Gormod o sylwadau o'ch cysylltiad chi
comments-too-many-message = Arhoswch { $seconds } eiliad, yna anfonwch eich sylw eto.
comments-not-open = Dydy'r ymgynghoriad hwn ddim ar agor
comments-not-saved = Doedd dim modd cadw eich sylw
comments-store-off = Does dim modd derbyn sylwadau ar hyn o bryd. Chafodd dim byd ei gadw. Rhowch gynnig arall arni yn nes ymlaen.
comments-store-busy = Doedd dim modd cadw eich sylw oherwydd problem ar ein hochr ni. Chafodd dim byd ei gadw. Rhowch gynnig arall arni ymhen ychydig funudau.
comments-store-failed = Doedd dim modd cadw eich sylw oherwydd problem ar ein hochr ni. Chafodd dim byd ei gadw. Rhowch gynnig arall arni yn nes ymlaen.
comments-too-large = Mae eich sylw yn rhy hir
comments-too-large-message = Gall sylw fod hyd at 20,000 nod. Ewch yn ôl, byrhewch ef, a'i anfon eto.
receipt-not-found = Heb ddod o hyd i'r dderbynneb
receipt-not-found-message = Does dim sylw gyda'r cyfeirnod hwnnw. Gwiriwch y cyfeirnod a rhowch gynnig arall arni.
receipt-unavailable = Dydy'r dderbynneb ddim ar gael
receipt-unavailable-message = Doedd dim modd darllen eich derbynneb ar hyn o bryd. Mae eich sylw yn ddiogel. Rhowch gynnig arall arni yn nes ymlaen.

## Gwallau meysydd

field-on-missing = Dewiswch beth mae eich sylw yn ei gylch
field-on-unknown = Doedd dim modd dod o hyd i'r rhan o'r Cod rydych chi'n rhoi sylw arni. Ewch yn ôl i'r Cod a'i dewis eto
field-question-unknown = Dewiswch gwestiwn o'r rhestr
field-body-missing = Rhowch eich sylw
field-body-too-long = Rhaid i'ch sylw fod yn { $max } nod neu lai
field-body-nul = Rhaid i'ch sylw beidio â chynnwys nod null
field-respondent-type = Dewiswch a ydych chi'n ymateb fel unigolyn neu ar ran sefydliad
field-name-too-long = Rhaid i'ch enw fod yn { $max } nod neu lai
field-name-nul = Rhaid i'ch enw beidio â chynnwys nod null
field-organisation-missing = Rhowch enw eich sefydliad
field-organisation-too-long = Rhaid i enw eich sefydliad fod yn { $max } nod neu lai
field-organisation-nul = Rhaid i enw eich sefydliad beidio â chynnwys nod null
field-email = Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@enghraifft.com
field-publish = Dewiswch a gawn ni gyhoeddi eich ymateb
field-attribution = Dewiswch sut dylen ni eich enwi os byddwn ni'n cyhoeddi eich ymateb
field-name-for-attribution = Rhowch eich enw, neu dewiswch beidio â chael eich enwi wrtho
field-organisation-for-attribution = Rhowch enw eich sefydliad, neu dewiswch beidio â chael eich enwi wrtho

## Y dderbynneb

receipt-title = Sylw wedi dod i law
receipt-reference = Eich cyfeirnod yw
receipt-received = Daeth eich sylw i law ar { $when }. Cadwch eich cyfeirnod: nodwch ef os byddwch chi'n cysylltu â ni am eich ymateb.
receipt-date-time = { $date } am { $time } UTC
receipt-what-you-sent = Beth anfonoch chi
receipt-about = Am
receipt-question = Cwestiwn
receipt-responding = Yn ymateb
receipt-publication = Cyhoeddi
receipt-publish-yes = Gellir ei gyhoeddi gyda'ch enw neu enw eich sefydliad
receipt-publish-anonymous = Gellir ei gyhoeddi heb eich enw nac enw eich sefydliad
receipt-publish-no = Ni ddylid ei gyhoeddi
receipt-attribution = Os caiff ei gyhoeddi, caiff ei briodoli i
receipt-attribution-name = Eich enw
receipt-attribution-organisation = Enw eich sefydliad
receipt-attribution-both = Eich enw ac enw eich sefydliad
receipt-contact = Eich manylion cyswllt
receipt-contact-private = Yn breifat: dydyn nhw ddim i'w gweld ar y dudalen hon.
receipt-your-comment = Eich sylw
receipt-body-private = Dim ond yn y porwr a'i anfonodd y dangosir testun eich sylw, am awr ar ôl ei anfon. Mae eich sylw wedi'i gadw a bydd yn cael ei ddarllen.
receipt-back = Mynd yn ôl i'r drafft
receipt-erased = Cafodd eich sylw ei ddileu ar { $when }: does dim o'r hyn a ysgrifennoch wedi'i gadw, dim ond y cyfeirnod hwn a phryd y daeth i law. Ni fydd yn cael ei ddarllen.
