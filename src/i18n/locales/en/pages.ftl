# Text on every server page, the search page and the error pages. English is the
# source: tests assert these words exactly.

## The layout of every server page

skip-link = Skip to main content
search-label = Search the Code and guide
search-button = Search
draft-version = Draft version { $version }
footer-about = About this draft
footer-search = Search
footer-privacy = Privacy
language-switch-label = Language
error-summary-title = There is a problem
error-prefix = Error:

## Error pages

error-next-html = You can go to the <a href="{ $home }">start of the Code</a>, or search the Code and the guide with the search box at the top of this page.
error-code = Error { $status }
error-page-not-found = Page not found
error-page-not-found-message = If you typed the web address, check it is correct. You can search the Code and the guide instead.
error-page-not-found-book-message = If you typed the web address, check it is correct. You can search the book instead.
error-page-unreadable = Something went wrong
error-page-unreadable-message = The page could not be read. Please try again.
error-task-failed = Something went wrong
error-task-failed-message = Something went wrong on our side. Nothing was changed. Please try again later.
error-form-expired = The form has expired
error-form-expired-message = The form has expired; reload the page and try again.
error-store-unavailable = Comments unavailable
error-store-unavailable-message = The comments database could not be read. Try again later.
error-response-not-found = Response not found
error-response-not-found-message = No comment has that reference.
error-no-such-response-message = No response has that reference.
error-not-changed = Not changed
error-too-many-attempts = Too many attempts
error-too-many-requests = Too many requests
error-too-many-requests-message = Please wait { $seconds } seconds and try again.
error-not-allowed = Not allowed
error-not-allowed-message = Your account's role does not allow this. Ask an administrator if you need it.
error-erase-failed-message = The comments database could not be written. Nothing was erased. Try again later.
error-no-such-comment = No such comment
error-no-such-comment-message = No comment has that reference. Check it and try again.
error-unknown-status = Unknown status.
error-not-publishable = The respondent asked us not to publish this response, so it cannot be published. Choose another status.
error-give-reference = Give the reference of a response.
error-no-such-reference = No response has that reference; check it and try again.
error-give-short-name = Give your short name first (at the top of the admin pages); each change records who made it.
error-name-is-the-account = Your changes are recorded under your account's name; there is no other name to give.
error-bad-short-name = A short name is 1 to 32 letters, digits, dots, hyphens or underscores, with no spaces.
error-bad-code = A code is 1 to 40 letters, digits, spaces or hyphens, starting with a letter or digit.
error-frame-full = The coding frame is full ({ $max } codes).
error-choose-code = Choose a code of the frame.
error-code-not-in-frame = That code is not in the coding frame; add it in /admin/codes first.
error-add-or-remove = Add or remove a code.
error-bad-request = The request is not valid
error-bad-filter = The `{ $parameter }` filter is not valid: { $expected ->
        [target] an id of a paragraph, section or chapter
        [question] the id of a consultation question
        [code] a code of the coding frame
        [status] received, published, hidden, spam or any
        [respondent] individual or organisation
        [uncoded] 1 or nothing
        [date] a date written YYYY-MM-DD, between 2000 and 2100
        [group] the reference of a response in the group
        [q-long] at most { $max } characters
        [q-empty] some words to search for
        [per] a number of responses per page from 1 to { $max }
       *[reference] the reference of a response
    }.
error-search-unavailable = Search is not available

## The search page

search-heading = Search
search-results-title = Search results for “{ $q }”
search-results-title-page = (page { $page } of { $pages })
search-in = Search in
search-in-all = All
search-in-code = The Code
search-in-guide = Public guide
search-summary = { $total } { $total ->
    [one] result
   *[other] results
  } for “{ $q }”
search-summary-in-code = in the Code
search-summary-in-guide = in the public guide
search-page = Page { $page } of { $pages }
paragraph = Paragraph { $number }
search-pages-label = Search results pages
search-previous = Previous
search-next = Next
search-page-of-results = page of results
search-none = We could not find anything matching your search. You could:
search-none-spelling = check the spelling
search-none-fewer = use fewer words, or more general ones
search-none-code-words = use the words the Code uses, for example “custody image”, “remove” or “complaint”
search-none-whole = search the whole Code and guide
search-none-not-only = , not only { $part ->
    [code] the Code
   *[guide] the public guide
  }
search-none-browse-html = browse the <a href="{ $home }">contents of the Code and the public guide</a>
search-none-topics = Or start from a topic in the public guide:
search-intro = Search the numbered paragraphs of the Code of Practice and the sections of the public guide. You can use everyday words: for example “photo”, “delete” or “complain”.

## The book's own pages (added by the copbook preprocessor)

book-breadcrumb = Breadcrumb
book-draft-status = Draft version { $version } · { $status }
book-provision-label = Paragraph { $number }
book-cite = paragraph { $number }
book-comment-on-this = Comment on this
book-comment-section = section “{ $title }”
book-have-your-say = Have your say on this chapter
book-comment-purpose = Comments here are for the consultation on this draft Code: they help the College of Policing improve it. The consultation cannot look into anyone's own police record or put it right.
book-questions-here = { $count ->
    [one] The consultation asks a question about this chapter:
   *[other] The consultation asks these questions about this chapter:
  }
book-answer-question = Answer this question
book-comment-chapter = Comment on the chapter “{ $title }”
book-comment-whole = Comment on the draft as a whole
book-matrix-caption = Paragraphs serving each key aim, by theme
book-matrix-theme = Theme
book-matrix-none = none
book-in-english = (in English)
theme-contents = Contents
theme-pager = Previous and next page

## Problems with a search (the search page; the API says the same)

search-error-part = part must be `code` or `guide` (or left out to search both)
search-error-page = page must be a whole number from 1 to { $max }
search-error-too-long = the search is too long: use at most { $max } characters
search-error-failed = the search could not be run; please try again
search-did-you-mean = Did you mean

## The privacy page (/privacy)

privacy-title = Privacy: what this site stores
privacy-search-heading = When you search
privacy-search-intro = To find out what readers look for and cannot find, we keep a count of searches made on the search page. For each day we store:
privacy-search-words = the words searched for, in lower case, with anything that looks like an email address, a phone or National Insurance number, a postcode, a receipt reference or any other long number removed before it is stored
privacy-search-count = how many times those words were searched for that day
privacy-search-none = how many of those searches found nothing
privacy-search-opened = how many times a result was opened from them
privacy-search-not-kept = We do not store your IP address with your search, searching sets no cookie, and we record only the date of a search, not its time. We cannot tell who searched for what.
privacy-search-deleted = Words searched for only once are deleted after { $days } days. Words searched for more often are kept as counts, so that the people drafting the Code can see which questions the public guide does not answer.
privacy-search-advice = Please do not type personal details, such as your name, into the search box.
privacy-search-off = This server does not keep any record of searches.
privacy-cookies-heading = Cookies
privacy-cookies-reading = Reading the Code and the guide, and searching them, sets no cookie. This site sets a cookie only when you use the consultation:
privacy-cookie-form = when you open the comment form, a cookie that protects the form from being sent by another website in your name. It holds a random code, is sent only to this site, and is deleted when you close your browser.
privacy-cookie-receipt = after you send a comment, a cookie that lets this browser, and no other, show what you wrote on your receipt page. It is deleted after one hour.
privacy-cookie-staff = for staff who analyse the responses, cookies that keep them signed in to the admin pages and record who made each change.
privacy-cookies-none-else = These cookies are needed for the form to work safely, so we do not ask before setting them. We use no cookies for advertising or to measure how people use the site.
privacy-comment-heading = When you comment
privacy-comment = If a consultation is open, the comment form says what it stores and for how long, next to the form.
