import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { configure } from "./api/client";
import { App } from "./App";
import "./styles.css";

await configure();
createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
