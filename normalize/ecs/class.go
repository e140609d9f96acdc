package ecs

// Classes shared by several families (precomputed: classifying an event
// allocates nothing).
var (
	ClassAuthStart    = NewClass(Cats(CatAuthentication), TypeStart)
	ClassAuthInfo     = NewClass(Cats(CatAuthentication), TypeInfo)
	ClassSessionStart = NewClass(Cats(CatSession), TypeStart)
	ClassSessionEnd   = NewClass(Cats(CatSession), TypeEnd)
	ClassConnStart    = NewClass(Cats(CatNetwork), TypeConn, TypeStart)
	ClassConnEnd      = NewClass(Cats(CatNetwork), TypeConn, TypeEnd)
	ClassNetInfo      = NewClass(Cats(CatNetwork), TypeInfo)
	ClassProcStart    = NewClass(Cats(CatProcess), TypeStart)
	ClassProcEnd      = NewClass(Cats(CatProcess), TypeEnd)
	ClassProcInfo     = NewClass(Cats(CatProcess), TypeInfo)
	ClassUserCreate   = NewClass(Cats(CatIAM), TypeUser, TypeCreation)
	ClassUserDelete   = NewClass(Cats(CatIAM), TypeUser, TypeDeletion)
	ClassUserChange   = NewClass(Cats(CatIAM), TypeUser, TypeChange)
	ClassUserInfo     = NewClass(Cats(CatIAM), TypeUser, TypeInfo)
	ClassGroupCreate  = NewClass(Cats(CatIAM), TypeGroup, TypeCreation)
	ClassGroupDelete  = NewClass(Cats(CatIAM), TypeGroup, TypeDeletion)
	ClassGroupChange  = NewClass(Cats(CatIAM), TypeGroup, TypeChange)
	ClassGroupInfo    = NewClass(Cats(CatIAM), TypeGroup, TypeInfo)
	ClassHostStart    = NewClass(Cats(CatHost), TypeStart)
	ClassHostEnd      = NewClass(Cats(CatHost), TypeEnd)
	ClassConfigChange = NewClass(Cats(CatConfiguration), TypeChange)
)
