// Where the keyboard focus is and whether it shows: an outline or a shadow, on screen.
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  return {
    element: `<${el.tagName.toLowerCase()}> "${(el.innerText || el.name || el.id || "").trim().slice(0, 40)}"`,
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== "none",
    onScreen: rect.width > 2 && rect.height > 2 && rect.bottom > 0 && rect.top < innerHeight,
  };
}
