# Cyfrifon y drafftwyr: mewngofnodi ac allgofnodi, a'r log archwilio.

## Mewngofnodi

sign-in-title = Mewngofnodi i dudalennau’r drafftwyr
sign-in-intro = Defnyddiwch enw’r cyfrif a’r cyfrinair a gawsoch. Gofynnwch i weinyddwr os nad oes gennych gyfrif.
sign-in-name = Enw’r cyfrif
sign-in-password = Cyfrinair
sign-in-button = Mewngofnodi
sign-in-sso = Mewngofnodi gyda chyfrif eich sefydliad
sign-in-failed = Nid yw enw’r cyfrif na’r cyfrinair yn gywir
sign-in-throttled = Gormod o ymdrechion o’r fan hon. Arhoswch { $seconds } eiliad a rhowch gynnig arall arni.
sign-in-expired = Roedd y ffurflen fewngofnodi wedi dod i ben. Rhowch gynnig arall arni.
sign-in-signed-out = Rydych wedi allgofnodi.
sign-in-ended = Mae eich sesiwn wedi dod i ben. Mewngofnodwch eto.
sign-in-passwords-off = Mae cyfrineiriau wedi’u diffodd yma: mewngofnodwch gyda chyfrif eich sefydliad.
signed-in-as = Wedi mewngofnodi fel { $name } ({ $role })
sign-out-button = Allgofnodi

## Dolenni gosod untro

set-up-title = Dewiswch eich cyfrinair
set-up-intro = Mae’r ddolen hon yn gosod cyfrinair y cyfrif { $name }. Dewiswch un o { $min } nod o leiaf; yna byddwch wedi mewngofnodi. Mae’r ddolen yn gweithio unwaith.
set-up-password = Cyfrinair newydd
set-up-confirm = Yr un cyfrinair eto
set-up-button = Gosod cyfrinair a mewngofnodi
set-up-gone = Mae’r ddolen osod hon wedi dod i ben neu wedi’i defnyddio eisoes. Gofynnwch i weinyddwr am un newydd.
set-up-too-short = Mae angen o leiaf { $min } nod ar y cyfrinair
set-up-too-long = Mae’r cyfrinair yn rhy hir
set-up-differ = Nid yw’r ddau gyfrinair yr un fath
set-up-expired-form = Roedd y ffurflen wedi dod i ben. Rhowch gynnig arall arni.

## Mewngofnodi sengl (OpenID Connect)

sign-in-sso-named = Mewngofnodi gyda { $provider }
sso-refused-title = Ni allwch fewngofnodi yma
sso-refused-unknown = Nid yw cyfrif eich sefydliad ({ $email }) wedi’i gysylltu â chyfrif ar y tudalennau hyn. Gofynnwch i weinyddwr eich ychwanegu.
sso-refused-disabled = Mae’r cyfrif sydd wedi’i gysylltu â chyfrif eich sefydliad wedi’i analluogi. Gofynnwch i weinyddwr.
sso-refused-unverified = Nid oes gan gyfrif eich sefydliad gyfeiriad e-bost wedi’i wirio, felly ni ellir ei gysylltu â chyfrif yma.
sso-refused-failed = Ni chwblhawyd y mewngofnodi gyda chyfrif eich sefydliad. Rhowch gynnig arall arni o’r dudalen fewngofnodi.

## Y log archwilio

audit-title = Log archwilio
audit-intro = Pob newid a wnaed ar dudalennau’r drafftwyr: pwy a’i gwnaeth, pryd, ac o ba gyfeiriad. Enwir ymateb wrth ei gyfeirnod yn unig, byth wrth yr hyn y mae’n ei ddweud na phwy a’i hanfonodd.
audit-person = Cyfrif
audit-action = Gweithred
audit-from = O (dyddiad, BBBB-MM-DD)
audit-until = Hyd at (dyddiad, BBBB-MM-DD)
audit-filter = Hidlo
audit-when = Pryd
audit-who = Pwy
audit-what = Beth
audit-subject = Ar
audit-detail = Manylion
audit-client = O gyfeiriad
audit-none = Nid oes cofnodion yn cyfateb.
audit-older = Cofnodion hŷn
audit-newest = Y cofnodion diweddaraf
audit-bad-date = Rhowch y dyddiad fel BBBB-MM-DD
