// replace(): the link with the token doesn't stay in the back-button history.
// The main page reads ?verify-email=, so it can't take this token for a reset token.
const token = new URLSearchParams(location.search).get("token");
location.replace("../" + (token ? "?" + new URLSearchParams({ "verify-email": token }) : ""));
