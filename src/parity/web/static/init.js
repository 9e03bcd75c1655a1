// Start GOV.UK Frontend's components (kept out of the pages so that a strict Content-Security-Policy can apply).
import { initAll } from "/static/vendor/govuk-frontend/govuk-frontend.min.js";

initAll();
