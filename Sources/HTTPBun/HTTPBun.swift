// The server library; see Server/, HTTP/ and Routes/.
