# Ar ôl yr ymgynghoriad: ymatebion a gyhoeddwyd ac ymateb y Coleg.
# Yr un ids â'r ffeil Saesneg (src/i18n/locales/en/responses.ftl).

## Tudalennau'r ymatebion a gyhoeddwyd

responses-title = Ymatebion a gyhoeddwyd
responses-intro = Ymatebion i'r ymgynghoriad y mae'r Coleg wedi'u cyhoeddi. Rydyn ni'n cyhoeddi ymateb dim ond os cytunodd y person neu'r sefydliad a'i anfonodd, ac rydyn ni'n dangos ei enw neu enw ei sefydliad dim ond os gofynnodd i ni wneud hynny. Dydyn ni byth yn cyhoeddi cyfeiriadau e-bost.
responses-to-paragraph = Ymatebion a gyhoeddwyd i baragraff { $number }
responses-to-section = Ymatebion a gyhoeddwyd i “{ $title }”
responses-to-whole = Ymatebion a gyhoeddwyd am y drafft cyfan
responses-to-question = Ymatebion a gyhoeddwyd i un o gwestiynau'r ymgynghoriad
responses-question = Cwestiwn: { $question }
responses-count = { $count ->
    [0] Dim ymatebion wedi'u cyhoeddi
    [one] 1 ymateb wedi'i gyhoeddi
   *[other] { $count } ymateb wedi'u cyhoeddi
  }
responses-none = Does dim ymateb wedi'i gyhoeddi yma eto. Caiff ymatebion eu cyhoeddi ar ôl i'r ymgynghoriad gau, unwaith y bydd y Coleg wedi'u darllen, a dim ond os cytunodd yr ymatebwyr.
responses-an-individual = Unigolyn
responses-an-organisation = Sefydliad
responses-received = Daeth i law ar { $date }
responses-on-paragraph = Am baragraff { $number }
responses-on-section = Am “{ $title }”
responses-on-whole = Am y drafft cyfan
responses-answering = Yn ateb: { $question }
responses-read-paragraph = Darllen paragraff { $number } o'r drafft
responses-read-section = Darllen “{ $title }” yn y drafft
responses-read-draft = Darllen y drafft
responses-page = Tudalen { $page } o { $pages }
responses-previous = Y dudalen flaenorol
responses-next = Y dudalen nesaf
responses-pages-label = Tudalennau o ymatebion
responses-all = Pob ymateb a gyhoeddwyd
responses-questions = Ymatebion i bob un o gwestiynau'r ymgynghoriad
responses-open-data = Data agored
responses-open-data-text = Pob ymateb a gyhoeddwyd, gydag enwau a sefydliadau dim ond fel y cytunodd yr ymatebwyr, a heb gyfeiriadau e-bost:
responses-download-csv = Lawrlwytho fel CSV (ar gyfer taenlenni)
responses-download-json = Lawrlwytho fel JSON (ar gyfer rhaglenni)
responses-not-found = Heb ei ganfod
responses-not-found-message = Does dim rhan o'r drafft, cwestiwn ymgynghori na thudalen o ymatebion yn y cyfeiriad hwnnw.
responses-bad-address = Dydy'r cyfeiriad hwn ddim yn ddilys
responses-bad-address-message = Gwiriwch y cyfeiriad: mae'n enwi rhan o'r drafft neu gwestiwn ac, os oes angen, rhif tudalen.
responses-unavailable = Does dim modd gweld yr ymatebion a gyhoeddwyd
responses-unavailable-message = Doedd dim modd i ni ddarllen yr ymatebion a gyhoeddwyd ar hyn o bryd. Rhowch gynnig arall arni yn nes ymlaen.
responses-download-none = Dim ymatebion wedi'u cyhoeddi.
responses-download-busy = Lawrlwythiadau'n brysur
responses-download-yours-message = Rydych chi eisoes yn lawrlwytho'r ymatebion a gyhoeddwyd gynifer o weithiau ar yr un pryd ag y caiff un cyfeiriad. Arhoswch i'r lawrlwythiadau hynny orffen, yna rhowch gynnig arall arni.
responses-download-busy-message = Mae llawer o bobl yn lawrlwytho'r ymatebion a gyhoeddwyd. Rhowch gynnig arall arni ymhen munud.
responses-download-unreadable = Doedd dim modd darllen yr ymatebion a gyhoeddwyd. Rhowch gynnig arall arni yn nes ymlaen.

## Ymateb y Coleg yn y llyfr (cyfarwyddyd yr ymatebion)

book-responses-counts = { $responses ->
    [0] Dim ymatebion eto
    [one] 1 ymateb
   *[other] { $responses } ymateb
  }, gyda { $grouped } ohonyn nhw mewn { $groups ->
    [one] 1 grŵp ymgyrch
   *[other] { $groups } grŵp ymgyrch
  } ({ $distinct ->
    [one] 1 cyflwyniad gwahanol
   *[other] { $distinct } cyflwyniad gwahanol
  })
book-responses-read = { $published ->
    [one] Darllen yr ymateb a gyhoeddwyd
   *[other] Darllen y { $published } ymateb a gyhoeddwyd
  }
book-responses-none-published = Doedd dim un o'r ymatebion hyn wedi'i gyhoeddi pan gymerwyd y cyfrifon hyn
book-responses-changed = Beth newidiodd ym mharagraff { $number } ers drafft { $since }
book-responses-unchanged = Dydy paragraff { $number } ddim wedi newid ers drafft { $since }
book-responses-changes = Beth newidiodd yn y Cod ers drafft { $since }
book-responses-link = { $published ->
    [one] 1 ymateb wedi'i gyhoeddi
   *[other] { $published } ymateb wedi'u cyhoeddi
  }
book-responses-about-paragraph = i baragraff { $number }
