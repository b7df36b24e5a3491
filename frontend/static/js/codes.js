// WebSocket close codes; mirrors app/gateway/protocol.py CloseCode.
export const CloseCode = Object.freeze({
  NORMAL: 1000,
  GOING_AWAY: 1001,
  POLICY: 1008,
  TOO_BIG: 1009,
  TRY_AGAIN_LATER: 1013,
  IDLE: 4000,
  UNAUTHENTICATED: 4001,
  TOO_SLOW: 4008,
  SESSION_ENDED: 4009,
});

// After these the client must not reconnect on its own.
export const FINAL_CODES = new Set([
  CloseCode.UNAUTHENTICATED,
  CloseCode.SESSION_ENDED,
  CloseCode.POLICY,
]);
