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
error-page-not-found-book-message = Os gwnaethoch chi deipio'r cyfeiriad gwe, gwiriwch ei fod yn gywir. Gallwch chwilio'r llyfr yn lle hynny.
error-page-unreadable = Aeth rhywbeth o'i le
error-page-unreadable-message = Doedd dim modd darllen y dudalen. Rhowch gynnig arall arni.
error-task-failed = Aeth rhywbeth o'i le
error-task-failed-message = Aeth rhywbeth o'i le ar ein hochr ni. Ni newidiwyd dim. Rhowch gynnig arall arni yn nes ymlaen.
error-form-expired = Mae'r ffurflen wedi dod i ben
error-form-expired-message = Mae'r ffurflen wedi dod i ben; ail-lwythwch y dudalen a rhowch gynnig arall arni.
error-store-unavailable = Nid yw'r sylwadau ar gael
error-store-unavailable-message = Nid oedd modd darllen cronfa ddata'r sylwadau. Rhowch gynnig arall arni yn nes ymlaen.
error-response-not-found = Heb ddod o hyd i'r ymateb
error-response-not-found-message = Nid oes gan unrhyw sylw y cyfeirnod hwnnw.
error-no-such-response-message = Nid oes gan unrhyw ymateb y cyfeirnod hwnnw.
error-not-changed = Dim newid
error-too-many-attempts = Gormod o ymdrechion
error-too-many-requests = Gormod o geisiadau
error-too-many-requests-message = Arhoswch { $seconds } eiliad a rhowch gynnig arall arni.
error-not-allowed = Dim caniatâd
error-not-allowed-message = Nid yw rôl eich cyfrif yn caniatáu hyn. Gofynnwch i weinyddwr os oes ei angen arnoch.
error-erase-failed-message = Nid oedd modd ysgrifennu i gronfa ddata'r sylwadau. Ni ddilëwyd dim. Rhowch gynnig arall arni yn nes ymlaen.
error-no-such-comment = Dim sylw o'r fath
error-no-such-comment-message = Nid oes gan unrhyw sylw y cyfeirnod hwnnw. Gwiriwch ef a rhowch gynnig arall arni.
error-unknown-status = Statws anhysbys.
error-not-publishable = Gofynnodd yr ymatebydd i ni beidio â chyhoeddi'r ymateb hwn, felly ni ellir ei gyhoeddi. Dewiswch statws arall.
error-give-reference = Rhowch gyfeirnod ymateb.
error-no-such-reference = Nid oes gan unrhyw ymateb y cyfeirnod hwnnw; gwiriwch ef a rhowch gynnig arall arni.
error-give-short-name = Rhowch eich enw byr yn gyntaf (ar frig y tudalennau gweinyddu); mae pob newid yn cofnodi pwy a'i gwnaeth.
error-name-is-the-account = Caiff eich newidiadau eu cofnodi dan enw eich cyfrif; nid oes enw arall i'w roi.
error-bad-short-name = Mae enw byr rhwng 1 a 32 o lythrennau, digidau, atalnodau llawn, cysylltnodau neu danlinellau, heb fylchau.
error-bad-code = Mae cod rhwng 1 a 40 o lythrennau, digidau, bylchau neu gysylltnodau, gan ddechrau gyda llythyren neu ddigid.
error-frame-full = Mae'r fframwaith codio yn llawn ({ $max } cod).
error-choose-code = Dewiswch god o'r fframwaith.
error-code-not-in-frame = Nid yw'r cod hwnnw yn y fframwaith codio; ychwanegwch ef yn /admin/codes yn gyntaf.
error-add-or-remove = Ychwanegwch neu dynnwch god.
error-bad-request = Nid yw'r cais yn ddilys
error-bad-filter = Nid yw'r hidlydd `{ $parameter }` yn ddilys: { $expected ->
        [target] dynodydd paragraff, adran neu bennod
        [question] dynodydd un o gwestiynau'r ymgynghoriad
        [code] cod o'r fframwaith codio
        [status] received, published, hidden, spam neu any
        [respondent] individual neu organisation
        [uncoded] 1 neu ddim
        [date] dyddiad ar y ffurf BBBB-MM-DD, rhwng 2000 a 2100
        [group] cyfeirnod ymateb yn y grŵp
        [q-long] dim mwy na { $max } nod
        [q-empty] rhai geiriau i chwilio amdanynt
        [per] nifer o ymatebion y dudalen o 1 i { $max }
       *[reference] cyfeirnod ymateb
    }.
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
