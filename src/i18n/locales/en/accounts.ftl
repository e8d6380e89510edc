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
