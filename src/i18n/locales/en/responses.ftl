# After the consultation: published responses and the College's response.

## The published responses pages

responses-title = Published responses
responses-intro = Responses to the consultation that the College has published. We publish a response only if the person or organisation who sent it agreed, and we show their name or organisation only if they asked us to. We never publish email addresses.
responses-to-paragraph = Published responses to paragraph { $number }
responses-to-section = Published responses to “{ $title }”
responses-to-whole = Published responses about the draft as a whole
responses-to-question = Published responses to a consultation question
responses-question = Question: { $question }
responses-count = { $count ->
    [0] No published responses
    [one] 1 published response
   *[other] { $count } published responses
  }
responses-none = No response has been published here yet. Responses are published after the consultation closes, once the College has read them, and only when their respondents agreed.
responses-an-individual = An individual
responses-an-organisation = An organisation
responses-received = Received on { $date }
responses-on-paragraph = About paragraph { $number }
responses-on-section = About “{ $title }”
responses-on-whole = About the draft as a whole
responses-answering = Answering: { $question }
responses-read-paragraph = Read paragraph { $number } of the draft
responses-read-section = Read “{ $title }” in the draft
responses-read-draft = Read the draft
responses-page = Page { $page } of { $pages }
responses-previous = Previous page
responses-next = Next page
responses-pages-label = Pages of responses
responses-all = All published responses
responses-questions = Responses to each consultation question
responses-open-data = Open data
responses-open-data-text = Every published response, with names and organisations only as their respondents agreed and no email addresses:
responses-download-csv = Download as CSV (for spreadsheets)
responses-download-json = Download as JSON (for programs)
responses-not-found = Not found
responses-not-found-message = There is no part of the draft, consultation question or page of responses at that address.
responses-bad-address = This address is not valid
responses-bad-address-message = Check the address: it names a part of the draft or a question and, optionally, a page number.
responses-unavailable = Published responses unavailable
responses-unavailable-message = We could not read the published responses just now. Please try again later.
responses-download-none = No published responses.
responses-download-busy = Downloads busy
responses-download-yours-message = You are already downloading the published responses as many times at once as one address may. Wait for those downloads to finish, then try again.
responses-download-busy-message = Many people are downloading the published responses. Try again in a minute.
responses-download-unreadable = The published responses could not be read. Try again later.

## The College's response in the book (the responses directive)

book-responses-counts = { $responses ->
    [0] No responses yet
    [one] 1 response
   *[other] { $responses } responses
  }, of which { $grouped } in { $groups ->
    [one] 1 campaign group
   *[other] { $groups } campaign groups
  } ({ $distinct ->
    [one] 1 distinct submission
   *[other] { $distinct } distinct submissions
  })
book-responses-read = { $published ->
    [one] Read the published response
   *[other] Read the { $published } published responses
  }
book-responses-none-published = None of these responses had been published when these counts were taken
book-responses-changed = What changed in paragraph { $number } since draft { $since }
book-responses-unchanged = Paragraph { $number } has not changed since draft { $since }
book-responses-changes = What changed in the Code since draft { $since }
book-responses-link = { $published ->
    [one] 1 published response
   *[other] { $published } published responses
  }
book-responses-about-paragraph = to paragraph { $number }
