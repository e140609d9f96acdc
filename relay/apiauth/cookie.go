package apiauth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
)

// CookieName is the cookie in which a browser proves it knows the bearer
// token (ModeToken): a browser cannot add an Authorization header to a page
// it navigates to, nor to the requests of that page's script.
const CookieName = "nomen_token"

// loginPath is the one page where ?token= is accepted: the status page.
const loginPath = "/"

// cookieValue derives the cookie from the token rather than holding the
// token itself: whatever any token file holds, the cookie is 64 hex digits
// (a cookie value may not contain every character a token may), and the
// cookie is no bearer token for the Authorization header.
func cookieValue(token string) string {
	sum := sha256.Sum256([]byte("nomen API cookie\x00" + token))
	return hex.EncodeToString(sum[:])
}

// isLogin reports whether r hands over the token in the URL, as a person
// does once by opening /?token=<token> in a browser.
func (g *Guard) isLogin(r *http.Request) bool {
	return g.cfg.Mode == ModeToken && r.URL.Path == loginPath && r.URL.Query().Has("token")
}

// login checks the token of /?token=<token>; if it is right, it sets the
// cookie and redirects to / without the token in the URL (so that it is
// not left in the address bar, or sent on as a Referer). The cookie is
// HttpOnly (the page's script never sees it), SameSite=Strict (another
// site's page cannot make the browser send it) and Secure when the API
// serves HTTPS; it lasts as long as the browser session.
func (g *Guard) login(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	if reason := g.checkToken(token); reason != "" {
		g.refuse(w, r, reason)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name:     CookieName,
		Value:    g.cookie,
		Path:     "/",
		HttpOnly: true,
		Secure:   r.TLS != nil,
		SameSite: http.SameSiteStrictMode,
	})
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, loginPath, http.StatusSeeOther)
}

// checkCookie returns "invalid" unless v is the cookie login sets.
func (g *Guard) checkCookie(v string) string {
	if subtle.ConstantTimeCompare([]byte(v), []byte(g.cookie)) != 1 {
		return "invalid"
	}
	return ""
}
