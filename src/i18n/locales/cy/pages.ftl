# Testun pob tudalen gweinydd, y dudalen chwilio a'r tudalennau gwall.
# Yr un ids â'r ffeil Saesneg (src/i18n/locales/en/pages.ftl).

## Cynllun pob tudalen gweinydd

skip-link = Neidio i'r prif gynnwys
search-label = Chwilio'r Cod a'r canllaw
search-button = Chwilio
draft-version = Fersiwn drafft { $version }
footer-about = Ynglŷn â'r drafft hwn
footer-search = Chwilio
footer-privacy = Preifatrwydd
language-switch-label = Iaith
error-summary-title = Mae problem
error-prefix = Gwall:

## Tudalennau gwall

error-next-html = Gallwch fynd i <a href="{ $home }">ddechrau'r Cod</a>, neu chwilio'r Cod a'r canllaw gyda'r blwch chwilio ar frig y dudalen hon.
error-code = Gwall { $status }
error-page-not-found = Heb ddod o hyd i'r dudalen
error-page-not-found-message = Os gwnaethoch chi deipio'r cyfeiriad gwe, gwiriwch ei fod yn gywir. Gallwch chwilio'r Cod a'r canllaw yn lle hynny.
error-page-unreadable = Aeth rhywbeth o'i le
error-page-unreadable-message = Doedd dim modd darllen y dudalen. Rhowch gynnig arall arni.
error-search-unavailable = Dydy'r chwilio ddim ar gael

## Y dudalen chwilio

search-heading = Chwilio
search-results-title = Canlyniadau chwilio am “{ $q }”
search-results-title-page = (tudalen { $page } o { $pages })
search-in = Chwilio yn
search-in-all = Y cyfan
search-in-code = Y Cod
search-in-guide = Y canllaw cyhoeddus
# Ar ôl rhif mewn digidau, enw unigol heb dreiglo: "5 canlyniad".
search-summary = { $total } canlyniad ar gyfer “{ $q }”
search-summary-in-code = yn y Cod
search-summary-in-guide = yn y canllaw cyhoeddus
search-page = Tudalen { $page } o { $pages }
search-took = Wedi'u canfod mewn { $ms } ms.
paragraph = Paragraff { $number }
search-pages-label = Tudalennau'r canlyniadau chwilio
search-previous = Blaenorol
search-next = Nesaf
search-page-of-results = tudalen o ganlyniadau
search-none = Doedd dim byd yn cyfateb i'ch chwiliad. Gallech chi:
search-none-spelling = wirio'r sillafu
search-none-fewer = ddefnyddio llai o eiriau, neu eiriau mwy cyffredinol
search-none-code-words = ddefnyddio'r geiriau y mae'r Cod yn eu defnyddio, er enghraifft “llun”, “dileu” neu “cwyn”
search-none-whole = chwilio'r Cod a'r canllaw i gyd
search-none-not-only = , nid dim ond { $part ->
    [code] y Cod
   *[guide] y canllaw cyhoeddus
  }
search-none-browse-html = bori <a href="{ $home }">cynnwys y Cod a'r canllaw cyhoeddus</a>
search-none-topics = Neu dechreuwch o bwnc yn y canllaw cyhoeddus:
search-intro = Chwiliwch baragraffau rhifedig y Cod Ymarfer ac adrannau'r canllaw cyhoeddus. Gallwch ddefnyddio geiriau bob dydd: er enghraifft “llun”, “dileu” neu “cwyno”.

## Tudalennau'r llyfr ei hun (gan ragbrosesydd copbook)

book-breadcrumb = Briwsion bara
book-draft-status = Fersiwn drafft { $version } · { $status }
book-provision-label = Paragraff { $number }
book-cite = paragraff { $number }
book-comment-on-this = Rhoi sylw ar hyn
book-comment-section = adran “{ $title }”
book-matrix-caption = Paragraffau sy'n gwasanaethu pob nod allweddol, fesul thema
book-matrix-theme = Thema
book-matrix-none = dim
book-in-english = (yn Saesneg)
theme-contents = Cynnwys
theme-pager = Tudalen flaenorol a nesaf

## Problemau gyda chwiliad

search-error-part = Dewiswch chwilio yn y Cod, yn y canllaw cyhoeddus, neu yn y ddau
search-error-page = Rhaid i rif y dudalen fod yn rhif cyfan o 1 i { $max }
search-error-too-long = Mae'r chwiliad yn rhy hir: defnyddiwch { $max } nod neu lai
search-error-failed = Doedd dim modd rhedeg y chwiliad; rhowch gynnig arall arni
search-did-you-mean = Oeddech chi'n golygu
