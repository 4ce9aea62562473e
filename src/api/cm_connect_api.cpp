// The legacy CmConnect* calls.
#include "api/handles.h"
#include "session/session.h"

using cm::Session;

CM_EXPORT CmConnect CmConnectGetReference(char* name) {
  if (!cm::ApiCheck(name != nullptr, "CmConnectGetReference", "NULL name")) return nullptr;
  return cm::ToHandle(Session::Instance().Reference(name));
}

CM_EXPORT char* CmConnectGetName(CmConnect c) {
  cm::Peer* peer = cm::FromHandle(c);
  return peer ? const_cast<char*>(peer->name.c_str()) : nullptr;
}

CM_EXPORT void CmConnectKill(CmConnect c) {
  if (c != nullptr) Session::Instance().Kill(cm::FromHandle(c));
}

CM_EXPORT void CmConnectInstallConnectionHandler(CmConnectHandler handler) {
  Session::Instance().SetConnectionHandler(
      handler ? cm::PeerHandler([handler](cm::Peer& p) { handler(cm::ToHandle(&p)); }) : cm::PeerHandler());
}

CM_EXPORT void CmConnectInstallDisconnectionHandler(CmConnectHandler handler) {
  Session::Instance().SetDisconnectionHandler(
      handler ? cm::PeerHandler([handler](cm::Peer& p) { handler(cm::ToHandle(&p)); }) : cm::PeerHandler());
}
