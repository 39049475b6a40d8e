// Where the API runs. null means: this page's host name, on port API_PORT. So
// http://localhost:3000 talks to http://localhost:5000 and http://127.0.0.1:3000
// to http://127.0.0.1:5000. Keeping the host name the same keeps the page and
// the API on the same *site*, which the SameSite=Lax session cookie needs.
const API_BASE = null;
// `make client PORT=5001` serves this file with your port here (tools/client.py).
const API_PORT = 5000;
