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
error-page-unreadable = Something went wrong
error-page-unreadable-message = The page could not be read. Please try again.
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
search-took = Found in { $ms } ms.
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
