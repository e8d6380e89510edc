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
error-task-failed = Aeth rhywbeth o'i le
error-task-failed-message = Aeth rhywbeth o'i le ar ein hochr ni. Ni newidiwyd dim. Rhowch gynnig arall arni yn nes ymlaen.
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
book-have-your-say = Dweud eich dweud am y bennod hon
book-comment-purpose = Mae sylwadau yma ar gyfer yr ymgynghoriad ar y Cod drafft hwn: maen nhw'n helpu Coleg Plismona i'w wella. Ni all yr ymgynghoriad edrych ar gofnod heddlu unrhyw un na'i gywiro.
book-questions-here = { $count ->
    [one] Mae'r ymgynghoriad yn gofyn cwestiwn am y bennod hon:
   *[other] Mae'r ymgynghoriad yn gofyn y cwestiynau hyn am y bennod hon:
  }
book-answer-question = Ateb y cwestiwn hwn
book-comment-chapter = Rhoi sylw ar y bennod “{ $title }”
book-comment-whole = Rhoi sylw ar y drafft cyfan
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

## Y dudalen preifatrwydd (/cy/privacy)

privacy-title = Preifatrwydd: beth mae'r wefan hon yn ei gadw
privacy-search-heading = Pan fyddwch chi'n chwilio
privacy-search-intro = Er mwyn gweld beth mae darllenwyr yn chwilio amdano ac yn methu dod o hyd iddo, rydyn ni'n cyfrif y chwiliadau a wneir ar y dudalen chwilio. Ar gyfer pob diwrnod rydyn ni'n cadw:
privacy-search-words = y geiriau a chwiliwyd amdanyn nhw, mewn llythrennau bach, ar ôl tynnu unrhyw beth sy'n edrych fel cyfeiriad e-bost, rhif ffôn neu rif Yswiriant Gwladol, cod post, cyfeirnod derbynneb neu unrhyw rif hir arall
privacy-search-count = sawl gwaith y chwiliwyd am y geiriau hynny y diwrnod hwnnw
privacy-search-none = faint o'r chwiliadau hynny na ddaeth o hyd i ddim
privacy-search-opened = sawl gwaith yr agorwyd canlyniad ohonyn nhw
privacy-search-not-kept = Dydyn ni ddim yn cadw eich cyfeiriad IP gyda'ch chwiliad, dydy chwilio ddim yn gosod cwci, a dim ond dyddiad chwiliad rydyn ni'n ei gofnodi, nid yr amser. Allwn ni ddim dweud pwy chwiliodd am beth.
privacy-search-deleted = Mae geiriau a chwiliwyd amdanyn nhw unwaith yn unig yn cael eu dileu ar ôl { $days } diwrnod. Mae geiriau a chwiliwyd amdanyn nhw'n amlach yn cael eu cadw fel cyfrifon, fel bod y bobl sy'n drafftio'r Cod yn gallu gweld pa gwestiynau nad yw'r canllaw cyhoeddus yn eu hateb.
privacy-search-advice = Peidiwch â theipio manylion personol, fel eich enw, yn y blwch chwilio.
privacy-search-off = Dydy'r gweinydd hwn ddim yn cadw unrhyw gofnod o chwiliadau.
privacy-cookies-heading = Cwcis
privacy-cookies-reading = Dydy darllen y Cod a'r canllaw, na chwilio ynddyn nhw, ddim yn gosod cwci. Dim ond pan fyddwch chi'n defnyddio'r ymgynghoriad y mae'r wefan hon yn gosod cwci:
privacy-cookie-form = pan fyddwch chi'n agor y ffurflen sylwadau, cwci sy'n atal gwefan arall rhag anfon y ffurflen yn eich enw chi. Mae'n cadw cod ar hap, yn cael ei anfon i'r wefan hon yn unig, ac yn cael ei ddileu pan fyddwch chi'n cau eich porwr.
privacy-cookie-receipt = ar ôl i chi anfon sylw, cwci sy'n gadael i'r porwr hwn, a dim un arall, ddangos beth ysgrifennoch chi ar dudalen eich derbynneb. Mae'n cael ei ddileu ar ôl awr.
privacy-cookie-staff = i staff sy'n dadansoddi'r ymatebion, cwcis sy'n eu cadw wedi mewngofnodi i'r tudalennau gweinyddu ac yn cofnodi pwy wnaeth bob newid.
privacy-cookies-none-else = Mae angen y cwcis hyn er mwyn i'r ffurflen weithio'n ddiogel, felly dydyn ni ddim yn gofyn cyn eu gosod. Dydyn ni ddim yn defnyddio cwcis ar gyfer hysbysebu nac i fesur sut mae pobl yn defnyddio'r wefan.
privacy-comment-heading = Pan fyddwch chi'n rhoi sylw
privacy-comment = Os oes ymgynghoriad ar agor, mae'r ffurflen sylwadau yn dweud beth mae'n ei gadw ac am ba hyd, wrth ymyl y ffurflen.
