# The Code as published: earlier drafts as they stood, the PDF edition, and the
# English and Welsh texts side by side (src/server/public/point_in_time.rs, src/edition/).

## The PDF edition

edition-contents = Contents
edition-glossary = Glossary
edition-questions = Consultation questions
edition-version = Version { $version }
edition-published = Published { $date }
edition-unpublished = Not yet published
edition-code = The Code of Practice
edition-guide = Public guide

## Footer links

footer-drafts = Published drafts
footer-pdf = The Code as a PDF

## The list of published drafts

drafts-title = Published drafts
drafts-lead = Every draft of the Code as it was published, with the day it was published. Each one stays as it was: later drafts do not change it.
drafts-search-note = Search covers the current draft only.
drafts-current-heading = The current draft
drafts-current = Version { $version } · { $status }
drafts-read-current = Read the current draft
drafts-pdf-code = The Code of Practice (PDF)
drafts-pdf-guide = The public guide (PDF)
drafts-pdf-note = The PDF is tagged for screen readers, and its text can be searched and copied.
drafts-list-heading = Earlier drafts as published
drafts-none = No draft has been published yet.
drafts-col-version = Version
drafts-col-date = Published
drafts-col-status = Status
drafts-col-read = Read it
drafts-col-data = Open data
drafts-read = Draft { $version }
drafts-json = Draft { $version } as JSON
drafts-data-heading = Open data
drafts-data = Each published draft is also available as JSON: every numbered paragraph and section with its id, number, chapter and text. It is published under the Open Government Licence v3.0. The fields are described in the API description.
drafts-licence = Open Government Licence v3.0
drafts-schema = API description (OpenAPI)

## A page of an earlier draft

draft-banner = Draft { $version }, published { $date }; this is not the current draft.
draft-banner-same = Draft { $version } as published on { $date }. The current draft may have changed since.
draft-banner-current-page = This page in the current draft
draft-banner-current-home = The current draft
draft-banner-changes = What has changed since draft { $version }
draft-contents = Contents of draft { $version }
draft-part-code = The Code of Practice
draft-part-guide = Public guide and other pages
draft-now-same = Paragraph { $number } in the current draft
draft-now-moved = Now paragraph { $number } in the current draft
draft-now-changed = Changed in the current draft (paragraph { $number })
draft-now-removed = Not in the current draft
draft-previous = Previous
draft-next = Next
draft-pager = Previous and next page
draft-paragraph = Paragraph { $number }
draft-not-found = Draft not found
draft-not-found-message = There is no published draft with that version. The list of published drafts shows every one.
draft-page-not-found = Page not found in this draft
draft-page-not-found-message = Draft { $version } has no page at this address. Its contents list every page it had.
draft-gone-title = Paragraph { $number } of draft { $version } is not in the current draft
draft-gone-lead = This paragraph was in draft { $version }, published { $date }. It has been removed from the current draft, or given a new id. This is its text as published:
draft-gone-read = Read it where it was in draft { $version }
draft-unknown-paragraph = No such paragraph
draft-unknown-paragraph-message = Draft { $version } has no paragraph with this id. Its contents list every page it had.
draft-changes-title = What has changed since draft { $version }
draft-changes-lead = Each numbered paragraph of draft { $version } that is new, changed, renumbered or removed in the current draft (version { $current }).
draft-changes-none = Nothing in the numbered paragraphs has changed.
draft-col-paragraph = Paragraph
draft-col-then = In draft { $version }
draft-col-now = Now
draft-col-change = Change
draft-status-new = New
draft-status-changed = Changed
draft-status-renumbered = Renumbered
draft-status-removed = Removed
draft-status-unchanged = Unchanged

## English and Welsh side by side

parallel-link = Show English and Welsh side by side
parallel-title = { $title }: English and Welsh
parallel-lead = Each paragraph of this page in English and in Welsh, paired by paragraph. On a narrow screen the Welsh follows the English.
parallel-english = English
parallel-welsh = Welsh
parallel-missing = Not translated yet.
parallel-only-welsh = There is no English paragraph for this one.
parallel-not-found = No such page
parallel-not-found-message = Only pages of the Welsh edition that have an English page can be shown side by side.
parallel-back = Back to the Welsh page
edition-pdf-too-big = No PDF of this book
edition-pdf-too-big-message = This book is too long to be made into a PDF while you wait. Its publisher can make the PDF with copbook build --pdf.
