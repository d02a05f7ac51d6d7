// What a phone user would see wrong: the page scrolling sideways, a control or heading that
// sticks out of the screen, or two that cover each other. Returns a list of sentences.
() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  if (document.documentElement.scrollWidth > width) {
    const scrolled = document.documentElement.scrollWidth;
    problems.push(`the page scrolls sideways: ${scrolled}px > ${width}px`);
  }
  const name = (el) => {
    const text = (el.innerText || el.value || el.id || "").trim().slice(0, 40);
    return `<${el.tagName.toLowerCase()}> "${text}"`;
  };
  const clipped = (el) => {  // visually hidden (Bootstrap's .visually-hidden and the like)
    for (; el; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (style.clip !== "auto" || style.clipPath !== "none") return true;
    }
    return false;
  };
  const boxes = [];
  const selector = "a, button, input, select, textarea, label, summary, h1, h2, h3, th, td, .badge";
  for (const el of document.querySelectorAll(selector)) {
    if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true }) || clipped(el)) continue;
    for (const rect of el.getClientRects()) {
      if (rect.width <= 2 || rect.height <= 2) continue;
      boxes.push([el, rect]);
      if (rect.left < -0.5 || rect.right > width + 0.5) problems.push(`${name(el)} is cut off at the side`);
    }
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, ra] = boxes[i], [b, rb] = boxes[j];
      if (a === b || a.contains(b) || b.contains(a)) continue;
      if (a.tagName === "LABEL" && a.control === b || b.tagName === "LABEL" && b.control === a) continue;
      const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (w > 1 && h > 1) problems.push(`${name(a)} overlaps ${name(b)}`);
    }
  }
  return problems;
}
