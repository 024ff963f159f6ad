// Offboarding: the checklist of everything one person leaves behind, and its renderings.
export {
  type ChecklistItem,
  ITEM_KINDS,
  type ItemKind,
  type OffboardChecklist,
  type OffboardInput,
  offboard,
  UnknownPersonError,
} from './checklist.js';
export { recordFileName, renderMarkdown, renderTerminal } from './render.js';
