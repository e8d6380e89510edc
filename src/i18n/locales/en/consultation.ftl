# The consultation: the comment form, its errors, the receipt and the notices.

## The comment form

comment-on = Comment on { $label }
comment-back-to = Back to { $label }
comment-back-to-whole = Back to the start of the draft
comment-own-record-title = This form cannot look into your own record
comment-own-record = This consultation is about the draft Code. Nobody reading comments can see, correct or delete anyone's police record, and a comment is not a complaint. To do those things:
comment-route-access-html = ask the police force that holds the record for a copy of your information (a subject access request); for records on the Police National Computer, ask <a href="{ $url }">ACRO Criminal Records Office</a>, which also handles requests to delete them
comment-route-complain-html = complain to that police force (find it on <a href="{ $url }">police.uk</a>); if you are not happy with how it handles a complaint about police conduct, go to the <a href="{ $iopc }">Independent Office for Police Conduct</a>
comment-route-ico-html = if the force does not put right how it handled your information, complain to the <a href="{ $url }">Information Commissioner's Office</a>
comment-target-whole = the draft as a whole
comment-target-paragraph = paragraph { $number }
# The label after a preposition ("Comment on …", "Back to …"): Welsh mutates it.
comment-target-paragraph-mutated = paragraph { $number }
comment-as-it-reads = , as it reads in draft version { $version }
comment-closed = This consultation has closed
comment-not-open-yet = This consultation is not open yet
comment-still-read-html = You can still read <a href="{ $url }">{ $label }</a> and the rest of the draft.
comment-honeypot = Leave this field empty
comment-question = Consultation question (optional)
comment-question-none = No particular question
comment-body = Your comment
comment-body-hint = Up to { $max } characters. Do not include personal details about other people.
comment-respondent-type = Are you responding as an individual or for an organisation?
comment-as-individual = As an individual
comment-for-organisation = For an organisation
comment-name = Your name (optional)
comment-organisation = Organisation (if you are responding for one)
comment-email = Email address (optional)
comment-email-hint = Only if you want us to be able to contact you about your response.
comment-publish = May we publish your response?
comment-foi = We may publish responses after the consultation closes. Whatever you choose, your response may have to be disclosed if someone asks for it under the Freedom of Information Act 2000, even if you ask us not to publish it.
comment-publish-yes = Yes, with my name or organisation
comment-publish-anonymous = Yes, but without my name or organisation
comment-publish-no = No, do not publish it
comment-attribution = If we publish it with a name, how should we name you?
comment-attribution-hint = Only if you answered "Yes, with my name or organisation". Give the name you choose above.
comment-attribution-name = By my name
comment-attribution-organisation = By my organisation's name
comment-attribution-both = By my name and my organisation's name
comment-send = Send your comment

## The consultation window

window-opens = This consultation opens on { $when }
window-closes = This consultation closes on { $when }
window-closed = This consultation closed on { $when }
window-date-time = { $date } at { $time } { $zone }

## Errors of the comment pages

comments-none = This draft is not open for comments.
comments-target-not-found = Part of the Code not found
comments-target-not-found-message = We could not find the part of the Code you want to comment on. It may have been renumbered or removed: go back to the Code and choose it again.
comments-not-sent = Your comment was not sent
comments-not-sent-message = The form has expired or was sent from another website. Go back to the Code, open the comment form again and send your comment from there.
comments-too-many = Too many comments from your connection
comments-too-many-message = Please wait { $seconds } seconds, then send your comment again.
comments-not-open = This consultation is not open
comments-not-saved = Your comment could not be saved
comments-store-off = Comments cannot be received at the moment. Nothing was stored. Please try again later.
comments-store-busy = We could not save your comment because of a problem on our side. Nothing was stored. Please try again in a few minutes.
comments-store-failed = We could not save your comment because of a problem on our side. Nothing was stored. Please try again later.
comments-too-large = Your comment is too long
comments-too-large-message = A comment can have up to 20,000 characters. Go back, shorten it, and send it again.
receipt-not-found = Receipt not found
receipt-not-found-message = We could not find a comment with that reference. Check the reference and try again.
receipt-unavailable = Receipt not available
receipt-unavailable-message = We could not read your receipt just now. Your comment is safe. Please try again later.

## Field errors (the same words as src/comments/validate.rs)

field-on-missing = Select what your comment is about
field-on-unknown = We could not find the part of the Code you are commenting on. Go back to the Code and choose it again
field-question-unknown = Select a question from the list
field-body-missing = Enter your comment
field-body-too-long = Your comment must be { $max } characters or fewer
field-body-nul = Your comment must not contain a null character
field-respondent-type = Choose whether you are responding as an individual or for an organisation
field-name-too-long = Your name must be { $max } characters or fewer
field-name-nul = Your name must not contain a null character
field-organisation-missing = Enter your organisation's name
field-organisation-too-long = Your organisation's name must be { $max } characters or fewer
field-organisation-nul = Your organisation's name must not contain a null character
field-email = Enter an email address in the correct format, like name@example.com
field-publish = Choose whether we may publish your response
field-attribution = Choose how we should name you if we publish your response
field-name-for-attribution = Enter your name, or choose not to be named by it
field-organisation-for-attribution = Enter your organisation's name, or choose not to be named by it

## The receipt

receipt-title = Comment received
receipt-reference = Your reference is
receipt-received = We received your comment on { $when }. Keep your reference: quote it if you contact us about your response.
receipt-date-time = { $date } at { $time } UTC
receipt-what-you-sent = What you sent
receipt-about = About
receipt-question = Question
receipt-responding = Responding
receipt-publication = Publication
receipt-publish-yes = May be published with your name or organisation
receipt-publish-anonymous = May be published without your name or organisation
receipt-publish-no = Not to be published
receipt-attribution = If published, this will be attributed to
receipt-attribution-name = Your name
receipt-attribution-organisation = Your organisation's name
receipt-attribution-both = Your name and your organisation's name
receipt-contact = Your contact details
receipt-contact-private = Kept private: they are not shown on this page.
receipt-your-comment = Your comment
receipt-body-private = The text of your comment is shown only in the browser that sent it, for an hour after sending. Your comment is stored and will be read.
receipt-back = Go back to the draft
receipt-erased = Your comment was erased on { $when }: nothing you wrote is kept, only this reference and when it was received. It will not be read.
