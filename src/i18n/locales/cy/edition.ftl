# Y Cod fel y'i cyhoeddwyd: drafftiau cynharach fel yr oedden nhw, yr argraffiad PDF, a'r
# testunau Saesneg a Chymraeg ochr yn ochr. Yr un ids â'r ffeil Saesneg.

## Yr argraffiad PDF

edition-contents = Cynnwys
edition-glossary = Geirfa
edition-questions = Cwestiynau'r ymgynghoriad
edition-version = Fersiwn { $version }
edition-published = Cyhoeddwyd { $date }
edition-unpublished = Heb ei gyhoeddi eto
edition-code = Y Cod Ymarfer
edition-guide = Canllaw cyhoeddus

## Dolenni'r troedyn

footer-drafts = Drafftiau a gyhoeddwyd
footer-pdf = Y Cod fel PDF

## Rhestr y drafftiau a gyhoeddwyd

drafts-title = Drafftiau a gyhoeddwyd
drafts-lead = Pob drafft o'r Cod fel y cafodd ei gyhoeddi, gyda'r diwrnod y cafodd ei gyhoeddi. Mae pob un yn aros fel yr oedd: dydy drafftiau diweddarach ddim yn ei newid.
drafts-search-note = Dim ond y drafft cyfredol sy'n cael ei chwilio.
drafts-current-heading = Y drafft cyfredol
drafts-current = Fersiwn { $version } · { $status }
drafts-read-current = Darllen y drafft cyfredol
drafts-pdf-code = Y Cod Ymarfer (PDF)
drafts-pdf-guide = Y canllaw cyhoeddus (PDF)
drafts-pdf-note = Mae'r PDF wedi'i dagio ar gyfer darllenwyr sgrin, ac mae modd chwilio a chopïo ei destun.
drafts-list-heading = Drafftiau cynharach fel y'u cyhoeddwyd
drafts-none = Does dim drafft wedi'i gyhoeddi eto.
drafts-col-version = Fersiwn
drafts-col-date = Cyhoeddwyd
drafts-col-status = Statws
drafts-col-read = Ei ddarllen
drafts-col-data = Data agored
drafts-read = Drafft { $version }
drafts-json = Drafft { $version } fel JSON
drafts-data-heading = Data agored
drafts-data = Mae pob drafft a gyhoeddwyd ar gael fel JSON hefyd: pob paragraff wedi'i rifo a phob adran gyda'i id, ei rif, ei bennod a'i destun. Mae'n cael ei gyhoeddi o dan y Drwydded Llywodraeth Agored v3.0. Mae'r meysydd wedi'u disgrifio yn nisgrifiad yr API.
drafts-licence = Trwydded Llywodraeth Agored v3.0
drafts-schema = Disgrifiad o'r API (OpenAPI)

## Tudalen o ddrafft cynharach

draft-banner = Drafft { $version }, cyhoeddwyd { $date }; nid hwn yw'r drafft cyfredol.
draft-banner-same = Drafft { $version } fel y cafodd ei gyhoeddi ar { $date }. Efallai fod y drafft cyfredol wedi newid ers hynny.
draft-banner-current-page = Y dudalen hon yn y drafft cyfredol
draft-banner-current-home = Y drafft cyfredol
draft-banner-changes = Beth sydd wedi newid ers drafft { $version }
draft-contents = Cynnwys drafft { $version }
draft-part-code = Y Cod Ymarfer
draft-part-guide = Y canllaw cyhoeddus a thudalennau eraill
draft-now-same = Paragraff { $number } yn y drafft cyfredol
draft-now-moved = Paragraff { $number } erbyn hyn yn y drafft cyfredol
draft-now-changed = Wedi newid yn y drafft cyfredol (paragraff { $number })
draft-now-removed = Dim yn y drafft cyfredol
draft-previous = Blaenorol
draft-next = Nesaf
draft-pager = Y dudalen flaenorol a'r nesaf
draft-paragraph = Paragraff { $number }
draft-not-found = Heb ddod o hyd i'r drafft
draft-not-found-message = Does dim drafft wedi'i gyhoeddi gyda'r fersiwn honno. Mae rhestr y drafftiau a gyhoeddwyd yn dangos pob un.
draft-page-not-found = Heb ddod o hyd i'r dudalen yn y drafft hwn
draft-page-not-found-message = Does gan ddrafft { $version } ddim tudalen yn y cyfeiriad hwn. Mae ei gynnwys yn rhestru pob tudalen oedd ganddo.
draft-gone-title = Dydy paragraff { $number } o ddrafft { $version } ddim yn y drafft cyfredol
draft-gone-lead = Roedd y paragraff hwn yn nrafft { $version }, a gyhoeddwyd { $date }. Mae wedi cael ei dynnu o'r drafft cyfredol, neu wedi cael id newydd. Dyma ei destun fel y cafodd ei gyhoeddi:
draft-gone-read = Ei ddarllen lle'r oedd yn nrafft { $version }
draft-unknown-paragraph = Dim paragraff o'r fath
draft-unknown-paragraph-message = Does gan ddrafft { $version } ddim paragraff gyda'r id hwn. Mae ei gynnwys yn rhestru pob tudalen oedd ganddo.
draft-changes-title = Beth sydd wedi newid ers drafft { $version }
draft-changes-lead = Pob paragraff wedi'i rifo o ddrafft { $version } sy'n newydd, wedi newid, wedi cael rhif newydd neu wedi'i dynnu yn y drafft cyfredol (fersiwn { $current }).
draft-changes-none = Does dim byd wedi newid yn y paragraffau wedi'u rhifo.
draft-col-paragraph = Paragraff
draft-col-then = Yn nrafft { $version }
draft-col-now = Nawr
draft-col-change = Newid
draft-status-new = Newydd
draft-status-changed = Wedi newid
draft-status-renumbered = Rhif newydd
draft-status-removed = Wedi'i dynnu
draft-status-unchanged = Heb newid

## Saesneg a Chymraeg ochr yn ochr

parallel-link = Dangos y Saesneg a'r Gymraeg ochr yn ochr
parallel-title = { $title }: Saesneg a Chymraeg
parallel-lead = Pob paragraff o'r dudalen hon yn Saesneg ac yn Gymraeg, mewn parau fesul paragraff. Ar sgrin gul, mae'r Gymraeg yn dilyn y Saesneg.
parallel-english = Saesneg
parallel-welsh = Cymraeg
parallel-missing = Heb ei gyfieithu eto.
parallel-only-welsh = Does dim paragraff Saesneg ar gyfer hwn.
parallel-not-found = Dim tudalen o'r fath
parallel-not-found-message = Dim ond tudalennau o'r argraffiad Cymraeg sydd â thudalen Saesneg sy'n gallu cael eu dangos ochr yn ochr.
parallel-back = Yn ôl i'r dudalen Gymraeg
edition-pdf-too-big = Dim PDF o'r llyfr hwn
edition-pdf-too-big-message = Mae'r llyfr hwn yn rhy hir i'w droi'n PDF tra byddwch chi'n aros. Gall ei gyhoeddwr wneud y PDF gyda copbook build --pdf.
