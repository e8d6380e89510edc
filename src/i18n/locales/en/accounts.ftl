# Drafters' accounts: signing in and out, and the audit log.

## Signing in

sign-in-title = Sign in to the drafters’ pages
sign-in-intro = Use the account name and password you were given. Ask an administrator if you do not have an account.
sign-in-name = Account name
sign-in-password = Password
sign-in-button = Sign in
sign-in-sso = Sign in with your organisation’s account
sign-in-failed = The account name or the password is not right
sign-in-throttled = Too many attempts from here. Wait { $seconds } seconds and try again.
sign-in-expired = The sign-in form had expired. Please try again.
sign-in-signed-out = You have signed out.
sign-in-ended = Your session has ended. Please sign in again.
sign-in-passwords-off = Passwords are switched off here: sign in with your organisation’s account.
signed-in-as = Signed in as { $name } ({ $role })
sign-out-button = Sign out

## One-time set-up links

set-up-title = Choose your password
set-up-intro = This link sets the password of the account { $name }. Choose one of at least { $min } characters; you will then be signed in. The link works once.
set-up-password = New password
set-up-confirm = The same password again
set-up-button = Set password and sign in
set-up-gone = This set-up link has expired or was already used. Ask an administrator for a new one.
set-up-too-short = The password needs at least { $min } characters
set-up-too-long = The password is too long
set-up-differ = The two passwords are not the same
set-up-expired-form = The form had expired. Please try again.

## Single sign-on (OpenID Connect)

sign-in-sso-named = Sign in with { $provider }
sso-refused-title = You cannot sign in here
sso-refused-unknown = Your organisation’s account ({ $email }) is not linked to an account on these pages. Ask an administrator to add you.
sso-refused-disabled = The account linked to your organisation’s account is disabled. Ask an administrator.
sso-refused-unverified = Your organisation’s account has no verified email address, so it cannot be linked to an account here.
sso-refused-failed = The sign-in with your organisation’s account did not complete. Please try again from the sign-in page.

## The audit log

audit-title = Audit log
audit-intro = Every change made on the drafters’ pages: who made it, when, and from which address. A response is named by its reference only, never by what it says or who sent it.
audit-person = Account
audit-action = Action
audit-from = From (date, YYYY-MM-DD)
audit-until = Until (date, YYYY-MM-DD)
audit-filter = Filter
audit-when = When
audit-who = Who
audit-what = What
audit-subject = On
audit-detail = Detail
audit-client = From address
audit-none = No entries match.
audit-older = Older entries
audit-newest = Newest entries
audit-bad-date = Give the date as YYYY-MM-DD
