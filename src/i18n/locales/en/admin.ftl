# The drafters' admin pages (/admin/...). English only: there is no /cy/admin, so this
# file has no Welsh twin (ENGLISH_ONLY in src/i18n/mod.rs). Signing in, setting up an
# account and the audit log are in accounts.ftl, in both languages.

## Words on several admin pages

admin-all-responses = All responses
admin-responses-column = Responses
admin-status = Status
admin-received = Received
admin-on = On
admin-reference = Reference
admin-question = Question
admin-code = Code
admin-no-codes = No codes yet.
admin-add-code = Add a code
admin-add-code-button = Add code
admin-remove = Remove
admin-open-response = Open this response on its own page
admin-pages-of-responses = Pages of responses
admin-next-page = Next page
admin-paragraph = paragraph { $number }
admin-in-welsh = in Welsh
admin-tag-by = (by { $analyst }, { $when })

## Consultation responses (/admin/)

admin-overview-title = Consultation responses
admin-overview-purge-due = Personal data due for deletion:
admin-overview-total =
    { $total ->
        [one] { $total } response in all.
       *[other] { $total } responses in all.
    }
admin-overview-export = Download every response (CSV)
admin-overview-grouping = Not counting spam: { $grouping }.
admin-overview-public-html = { $count } shown to the public on <a href="/responses">the published responses page</a> (published by a drafter, and their respondent agreed).
admin-overview-read = Read, filter and code responses
admin-overview-by-status = By status
admin-overview-by-target = By paragraph or section
admin-overview-target = Paragraph or section
admin-overview-number-now = Number now
admin-overview-removed = Comments on removed paragraphs
admin-overview-number-then = Paragraph (number then)
admin-overview-none = No responses yet.
admin-overview-by-question = By consultation question
admin-overview-no-answers = No answers to the questions yet.

## Who changes are recorded as made by (on the coding pages)

admin-analyst-recorded-html = Changes are recorded as made by <strong>{ $name }</strong>.
admin-analyst-not = Not { $name }? Your short name
admin-analyst-ask = Your short name (recorded with each code and decision you make)
admin-analyst-change = Change
admin-analyst-save = Save

## Coding frame (/admin/codes)

admin-codes-title = Coding frame
admin-codes-intro-html = The codes drafters tag responses with. Codes from book.toml come first; analysts may add more here. Tag responses in <a href="/admin/responses">the responses view</a>.
admin-codes-caption = Codes and how many responses carry each (spam left out)
admin-codes-added-by = Added by
admin-codes-new-label = Code (letters, digits, spaces and hyphens; at most 40 characters)

## Erasing a response (/admin/comments/{ref}/erase)

admin-erase-title = Erase response { $reference }
admin-erase-back = Responses on this paragraph
admin-erase-done = This response was erased on { $when }. Its text, name, organisation and email address are gone; its reference and dates are kept as a record of the erasure.
admin-erase-intro = Use this when the respondent asks for their response to be erased. Check the reference they quoted.
admin-erase-number-then = (paragraph { $number } then)
admin-erase-respondent = Respondent
admin-erase-what = What erasing does
admin-erase-deletes = Deletes the text of the response, the name, the organisation and the email address. This cannot be undone.
admin-erase-keeps = Keeps the reference, the paragraph it was about and the dates, so that the erasure can be shown to have happened.
admin-erase-hidden = A published response is hidden.

## Campaign and duplicate groups (/admin/groups)

admin-groups-title = Campaign and duplicate groups
admin-groups-intro = Responses with the same text (ignoring case, punctuation and spacing) are one group; so are responses that share at least { $percent }% of their three-word phrases (estimated Jaccard similarity of at least { $threshold }). Spam is left out. Weigh each group once, by what it says; read what each member adds.
admin-groups-download = Download every group (JSON)
admin-groups-decisions = Split a member out when it says something of its own; merge two groups that make one campaign. Your decisions are kept and applied again every time the grouping is recomputed as responses arrive.
admin-groups-decisions-counted = Split a member out when it says something of its own; merge two groups that make one campaign. Your decisions are kept and applied again every time the grouping is recomputed as responses arrive ({ $decisions } so far).
admin-groups-none = No groups: every response is different.
# $kind is "exact" for a group of identical texts.
admin-groups-heading =
    Group { $number }: { $size ->
        [one] { $size } response
       *[other] { $size } responses
    } ({ $kind ->
        [exact] identical text
       *[other] near duplicates
    })
admin-groups-heading-merged =
    Group { $number }: { $size ->
        [one] { $size } response
       *[other] { $size } responses
    } ({ $kind ->
        [exact] identical text
       *[other] near duplicates
    }, merged by a drafter)
admin-groups-representative-text = Representative text, from { $reference }:
admin-groups-read =
    { $size ->
        [one] Read and code the { $size } response of group { $number }
       *[other] Read and code the { $size } responses of group { $number }
    }
admin-groups-caption = What each member adds to the representative text
admin-groups-adds = Adds
admin-groups-dropped = Words left out
admin-groups-decision = Decision
admin-groups-is-representative = (representative)
admin-groups-adds-nothing = nothing
admin-groups-split-label = Split out { $reference } from group { $number }
admin-groups-split = Split out
admin-groups-more-members =
    { $more ->
        [one] { $more } more member not shown.
       *[other] { $more } more members not shown.
    }
admin-groups-merge-label = Merge group { $number } with the group of response (reference)
admin-groups-merge = Merge
admin-groups-more-groups =
    { $more ->
        [one] { $more } smaller group not shown.
       *[other] { $more } smaller groups not shown.
    }
admin-groups-split-out-title = Split out by a drafter
admin-groups-split-out = These responses stand alone, whatever they resemble:

## One response (/admin/responses/{ref})

admin-response-title = Response { $reference }
admin-response-heading-html = Response <span class="reference">{ $reference }</span>
admin-response-draft = { $target } (draft { $version })
admin-response-answering = Answering
admin-response-from = From
admin-response-publish = May we publish it?
admin-response-not-shown = (not shown to the public: the respondent said no)
admin-response-group = Campaign group
admin-response-group-html =
    <a href="/admin/responses?group={ $reference }">Group { $number }</a>, { $size ->
        [one] { $size } response
       *[other] { $size } responses
    }
admin-response-no-group-html = Not in a campaign group (or the groups have not been worked out since it arrived: <a href="/admin/groups">see the groups</a>)
admin-response-wrote = What they wrote
admin-response-then-and-now = The paragraph then and now
admin-response-removed = The part of the draft they commented on has since been removed. They saw (draft { $version }):
admin-response-saw = What they saw (draft { $version })
admin-response-saw-numbered = What they saw (draft { $version }, paragraph { $number })
admin-response-today = Today
admin-response-today-numbered = Today (paragraph { $number })
admin-response-changed = What changed
admin-response-unchanged = Unchanged since they commented.
admin-response-unchanged-numbered = Unchanged since they commented; it is now paragraph { $number }.
admin-response-read-in-draft = Read it in the draft
admin-response-whole-draft = They commented on the draft as a whole.
admin-response-said-no = The respondent asked us not to publish this response. It cannot be published: it will never appear on the public pages or in the open data.
admin-response-change-status = Change the status
admin-response-codes = Codes
admin-response-remove-label = Remove the code { $code }
admin-response-who-first = To code responses, first say who you are: each code records who added it.
admin-response-add = Add
admin-response-every-code = Every code of the frame is on this response.
admin-response-add-to-frame = Add a code to the frame
admin-response-erasure = Erasure
admin-response-erase = Erase this response (at its respondent's request)

## Reading, filtering and coding responses (/admin/responses)

admin-responses-title = Responses
admin-responses-groups-link = Campaign groups
admin-responses-filters = Filters (they combine)
admin-responses-words = Words in the response (all of them; "deleting" also finds "deletion")
admin-responses-target = Paragraph, section or chapter id
admin-responses-any-question = Any question or none
admin-responses-any-code = Any code or none
admin-responses-uncoded = Not coded yet
admin-responses-any-status = Any but spam
admin-responses-spam-too = any, spam included
admin-responses-respondent = Respondent
admin-responses-any-respondent = Individuals and organisations
admin-responses-individuals = individuals
admin-responses-organisations = organisations
admin-responses-group = In the campaign group of response (reference)
admin-responses-from = Received from (YYYY-MM-DD, UTC)
admin-responses-to = Received up to and including (YYYY-MM-DD, UTC)
admin-responses-per = Responses per page (1 to 500)
admin-responses-show = Show responses
admin-responses-count =
    { $total ->
        [one] { $total } response matches
       *[other] { $total } responses match
    }
admin-responses-count-group =
    (campaign group { $number }, { $size ->
        [one] { $size } response
       *[other] { $size } responses
    })
admin-responses-count-no-group = (that response is in no campaign group)
admin-responses-csv = Download them (CSV)
admin-responses-json = Download them (JSON)
admin-responses-received = Received { $when } on
admin-responses-answering = answering { $question }
admin-responses-in-group-html =
    In <a href="/admin/responses?group={ $reference }">campaign group { $number }</a> ({ $size ->
        [one] { $size } response
       *[other] { $size } responses
    }).
admin-responses-codes-label = Codes of { $reference }
admin-responses-remove-label = Remove { $code } from { $reference }
admin-responses-add-code-to = Add a code to { $reference }
admin-responses-first-page = First page

## What readers searched for (/admin/searches)

admin-searches-title = What readers searched for
admin-searches-search = Search
admin-searches-times = Times
admin-searches-opened = Results opened
admin-searches-none = { $caption }: none.
admin-searches-no-results = Searches that found nothing
admin-searches-no-clicks = Searches where nobody opened a result
admin-searches-frequent = Most frequent searches
admin-searches-count-all =
    { $searches ->
        [one] { $searches } search kept in all.
       *[other] { $searches } searches kept in all.
    }
admin-searches-count-day =
    { $searches ->
        [one] { $searches } search on this day.
       *[other] { $searches } searches on this day.
    }
admin-searches-intro = Searches made on the search page, counted per day. Use them to see where the guide and the Code fail their readers: searches that found nothing, and searches where nobody opened a result. Only the search text (with email addresses, phone and National Insurance numbers, postcodes, receipt references and long numbers removed) and counts are kept; a search made only once is forgotten after { $days } days.
admin-searches-stored = What is stored
admin-searches-off = The search log is not available on this server.
admin-searches-weekly = Searches that found nothing, week by week
admin-searches-week =
    { $empty ->
        [one] Week beginning { $week }: { $empty } search found nothing
       *[other] Week beginning { $week }: { $empty } searches found nothing
    }
admin-searches-never-empty = No search has found nothing yet.
admin-searches-all-days = All days

## Responses on one paragraph or section (/admin/target/{id})

admin-target-title = Responses on { $id }
admin-target-heading-numbered = Responses on paragraph { $number }
admin-target-heading-section = Responses on “{ $title }”
admin-target-removed = This paragraph is no longer in the draft: it was removed. The text each respondent saw is shown with their response.
admin-target-total =
    { $total ->
        [one] { $total } response.
       *[other] { $total } responses.
    }
admin-target-total-paged =
    { $total ->
        [one] { $total } response; page { $page } of { $pages }.
       *[other] { $total } responses; page { $page } of { $pages }.
    }
admin-target-previous-page = Previous page
admin-target-received = Received { $when } on draft { $version }
admin-target-when-numbered = when it was paragraph { $number }
admin-target-answers = Answers question { $question }.
admin-target-publish = publish: { $publish }
admin-target-follows = Made on draft { $version }; paragraph then: { $then }; now: { $now }; paragraph now { $state }.
admin-target-none = none
admin-target-saw-removed = Text the respondent saw (since removed)
admin-target-saw = Text the respondent saw (draft { $version })
admin-target-today = Text today
admin-target-difference = Difference
admin-target-change = Change
admin-target-erase = Erase this response (a respondent's request)

# Words the admin handlers give the pages: statuses, targets, respondents, publication.
admin-status-received = Received, not yet moderated
admin-status-spam = Spam
admin-status-hidden = Hidden
admin-status-published = Published
admin-label-whole-draft = The draft as a whole
admin-label-paragraph = Paragraph { $number }
admin-label-paragraph-titled = Paragraph { $number }: { $title }
admin-label-titled = “{ $title }”
admin-respondent-individual = An individual
admin-respondent-organisation = An organisation
admin-respondent-named = { $kind }: { $names }
admin-publish-name = Yes, with their name
admin-publish-organisation = Yes, with their organisation's name
admin-publish-both = Yes, with their name and their organisation's name
admin-publish-either = Yes, with their name or organisation
admin-publish-anonymous = Yes, without their name or organisation
admin-publish-no = No: the respondent asked us not to publish it

# The campaign grouping's counts (`/admin/`, `/admin/groups`, `comments stats`). A count
# that chooses a plural comes twice: `$name`, the number, and `$name_shown`, it with
# thousands separated.
admin-grouping-summary = { $responses_shown } { $responses ->
        [one] response
       *[other] responses
    }, of which { $grouped_shown } in { $groups_shown } campaign { $groups ->
        [one] group
       *[other] groups
    } ({ $distinct_shown } distinct { $distinct ->
        [one] submission
       *[other] submissions
    })

# The reminder to purge respondents' personal data (`/admin/` and the server's log).
admin-purge-reminder = { $held ->
        [one] { $held } comment still holds
       *[other] { $held } comments still hold
    } names or email addresses although the retention period ({ $months ->
        [one] { $months } month
       *[other] { $months } months
    } after the consultation closed) ended on { $due }: run `copbook comments purge`
